/// A 64-bit fingerprint of an order id for the duplicate index (FNV-1a with a final
/// avalanche, so that the high bits that pick a bucket are well mixed).
enum OrderFingerprint {
    @inline(__always)
    static func of(_ key: String) -> UInt64 {
        // The bytes in place: faster than iterating `key.utf8`.
        var h: UInt64 = key.withUTF8Bytes { bytes in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes {
                h ^= UInt64(b)
                h = h &* 0x0000_0100_0000_01B3
            }
            return h
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}
