private import CCrypto

/// Reads and clears libcrypto's per-thread error queue (`ERR_get_error`), the one place its codes
/// become text.
///
/// Related OpenSSL documentation: <https://www.openssl.org/docs/man3.0/man3/ERR_get_error.html>.
enum LibcryptoErrorQueue {
    /// The queued errors as `ERR_error_string_n` text joined with "; ", or `fallback` when the queue
    /// is empty. The queue is empty afterwards.
    ///
    /// - Parameter fallback: What to report when libcrypto queued nothing.
    /// - Returns: The reason text.
    static func drain(fallback: String) -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}
