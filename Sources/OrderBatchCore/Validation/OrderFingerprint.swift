/// A 64-bit fingerprint of an order id for the duplicate index (FNV-1a with a final
/// avalanche, so that the high bits that pick a bucket are well mixed).
enum OrderFingerprint {
    @inline(__always)
    static func of(_ key: String) -> UInt64 {
        // The bytes in place: faster than iterating `key.utf8`.
        key.withUTF8Bytes { bytes in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes {
                h ^= UInt64(b)
                h = h &* 0x0000_0100_0000_01B3
            }
            return avalanche(h)
        }
    }

    /// The fingerprint of `CellText.asciiLowercased(text)`, without building that string:
    /// ASCII capitals are lowered byte by byte as they are hashed, exactly as it lowers them.
    @inline(__always)
    static func of(asciiLowercasing text: String) -> UInt64 {
        text.withUTF8Bytes { of(asciiLowercasing: $0) }
    }

    /// The fingerprint of `CellText.asciiLowercased` of the text whose UTF-8 bytes are `bytes`.
    @inline(__always)
    static func of(asciiLowercasing bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b &- 0x41 < 26 ? b | 0x20 : b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return avalanche(h)
    }

    /// The final mix of an FNV-1a hash.
    @inline(__always)
    private static func avalanche(_ hash: UInt64) -> UInt64 {
        var h = hash
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}
