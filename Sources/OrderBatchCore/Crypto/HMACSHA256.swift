private import CCrypto

/// HMAC-SHA256 through libcrypto's one-shot `HMAC()`.
///
/// ```swift
/// let hex = HMACSHA256.hexDigest(key: Array("key".utf8), message: Array("message".utf8))
/// ```
///
/// Related OpenSSL documentation: <https://www.openssl.org/docs/man3.0/man3/HMAC.html>.
public enum HMACSHA256 {
    /// The raw 32-byte MAC of `message` keyed with `key`.
    ///
    /// `HMAC()` with SHA-256 fails only when libcrypto cannot allocate its context, which
    /// orderbatch treats like any other out-of-memory condition (a precondition failure).
    ///
    /// - Parameters:
    ///   - key: The key bytes (any length, empty allowed).
    ///   - message: The bytes to authenticate.
    /// - Returns: The 32 MAC bytes.
    public static func digest(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // A zero-length array may have no base address; libcrypto wants a real pointer even
        // for an empty key, so point at a dummy byte then (its length stays 0).
        var dummy: UInt8 = 0
        let result = withUnsafeMutablePointer(to: &dummy) { dummyPointer in
            key.withUnsafeBufferPointer { keyBuffer in
                message.withUnsafeBufferPointer { messageBuffer in
                    HMAC(
                        ccrypto_sha256(), keyBuffer.baseAddress ?? UnsafePointer(dummyPointer), Int32(keyBuffer.count),
                        messageBuffer.baseAddress ?? UnsafePointer(dummyPointer), messageBuffer.count,
                        &output, &length)
                }
            }
        }
        precondition(
            result != nil && length == 32,
            "HMAC-SHA256 failed: \(LibcryptoErrorQueue.drain(fallback: "no reason given"))")
        return Array(output.prefix(Int(length)))
    }

    /// The MAC of `message` keyed with `key`, as 64 lowercase hex characters.
    ///
    /// - Parameters:
    ///   - key: The key bytes (any length, empty allowed).
    ///   - message: The bytes to authenticate.
    /// - Returns: The lowercase hex digest.
    public static func hexDigest(key: [UInt8], message: [UInt8]) -> String {
        HexEncoding.lowercase(digest(key: key, message: message))
    }
}
