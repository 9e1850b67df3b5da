private import CCrypto

/// Cryptographically secure random bytes from libcrypto's `RAND_bytes`.
///
/// Related OpenSSL documentation: <https://www.openssl.org/docs/man3.0/man3/RAND_bytes.html>.
public enum SecureRandom {
    /// `count` random bytes.
    ///
    /// - Parameter count: How many bytes (0 or more).
    /// - Returns: The bytes.
    /// - Throws: ``CryptoError`` of kind ``CryptoError/Kind/randomUnavailable`` when libcrypto's
    ///   generator is not seeded or fails.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        precondition(count >= 0 && count <= Int(Int32.max), "SecureRandom.bytes count out of range: \(count)")
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard result == 1 else {
            throw CryptoError(
                kind: .randomUnavailable,
                message: "RAND_bytes could not produce \(count) random bytes: "
                    + LibcryptoErrorQueue.drain(fallback: "the random generator is not seeded")
                    + "; check that the system entropy source (getrandom, /dev/urandom) is available")
        }
        return bytes
    }
}
