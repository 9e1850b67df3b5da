/// Finds order ids that occur more than once in a file, in 8 bytes per row.
///
/// Each row adds one 64-bit entry: 36 bits of the id's fingerprint beside the row's 28-bit
/// sequence number, in one of 256 buckets chosen by 8 more fingerprint bits (44 in all).
/// At the end, equal fingerprints within each bucket become *candidates*; a candidate is
/// only a duplicate once a second pass over the file has compared the ids themselves
/// (``FileValidation`` does that), so a fingerprint collision can never refuse a good file.
/// Arrays grow by doubling, so the index holds at most 16 bytes per row, typically 12.
///
/// 256 buckets keep appends cache-friendly (4,096 made a 1M-row validation about 7% slower).
struct DuplicateIndex {
    static let maxRows = (1 << 28) - 1
    private var buckets = [[UInt64]](repeating: [], count: 256)
    private(set) var count = 0

    /// Adds the row `seq` (1-based, < 2^28) with fingerprint `fp`.
    @inline(__always)
    mutating func add(fingerprint fp: UInt64, seq: Int) {
        let bucket = Int(fp >> 56)
        let entry = ((fp >> 20) & 0xF_FFFF_FFFF) << 28 | UInt64(seq)
        buckets[bucket].append(entry)
        count += 1
    }

    /// Sequence numbers of every row whose fingerprint equals another row's, sorted.
    ///
    /// Each bucket's fingerprints go into a hash table (open addressing, twice the bucket's
    /// size, reused from bucket to bucket), which finds equal ones in linear time: sorting
    /// the buckets took about 4% of a 1M-row validation. The fingerprint bits are the hash.
    mutating func candidateSeqs() -> [Int] {
        var out: [Int] = []
        // Slots hold `fingerprint << 2 | 0b01`, plus `0b10` once the fingerprint is seen again.
        var table: [UInt64] = []
        for i in buckets.indices {
            let bucket = buckets[i]
            buckets[i] = []
            guard bucket.count > 1 else { continue }
            let size = (2 * bucket.count).roundedUpToPowerOfTwo
            if table.count < size {
                table = Array(repeating: 0, count: size)
            } else {
                table.withUnsafeMutableBufferPointer {
                    UnsafeMutableBufferPointer(rebasing: $0[..<size]).update(repeating: 0)
                }
            }
            let mask = size - 1
            var anySeenTwice = false
            table.withUnsafeMutableBufferPointer { slots in
                for entry in bucket {
                    let key = entry >> 28
                    var slot = Int(truncatingIfNeeded: key) & mask
                    while slots[slot] != 0 && slots[slot] >> 2 != key { slot = (slot + 1) & mask }
                    if slots[slot] == 0 {
                        slots[slot] = key << 2 | 0b01
                    } else {
                        slots[slot] |= 0b10
                        anySeenTwice = true
                    }
                }
            }
            guard anySeenTwice else { continue }
            for entry in bucket {
                let key = entry >> 28
                var slot = Int(truncatingIfNeeded: key) & mask
                while table[slot] >> 2 != key { slot = (slot + 1) & mask }
                if table[slot] & 0b10 != 0 { out.append(Int(entry & 0xFFF_FFFF)) }
            }
        }
        return out.sorted()
    }
}

extension Int {
    /// The smallest power of two that is at least `self` (at least 1).
    fileprivate var roundedUpToPowerOfTwo: Int {
        self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}
