/// Finds order ids that occur more than once in a file, in 8 bytes per row.
///
/// Each row adds one 64-bit entry: 36 bits of the id's fingerprint beside the row's 28-bit
/// sequence number, in one of 256 buckets chosen by 8 more fingerprint bits (44 in all).
/// At the end every bucket is sorted and equal fingerprints become *candidates*; a candidate is
/// only a duplicate once a second pass over the file has compared the ids themselves
/// (``FileValidation`` does that), so a fingerprint collision can never refuse a good file.
/// Arrays grow by doubling, so the index holds at most 16 bytes per row, typically 12.
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
    mutating func candidateSeqs() -> [Int] {
        var out: [Int] = []
        for i in 0..<256 {
            buckets[i].sort()
            let b = buckets[i]
            var j = 0
            while j < b.count {
                var k = j + 1
                while k < b.count && b[k] >> 28 == b[j] >> 28 { k += 1 }
                if k - j > 1 {
                    for e in b[j..<k] { out.append(Int(e & 0xFFF_FFFF)) }
                }
                j = k
            }
            buckets[i] = []
        }
        return out.sorted()
    }
}
