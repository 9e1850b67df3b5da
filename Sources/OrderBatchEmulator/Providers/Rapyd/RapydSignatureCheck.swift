import Foundation

/// Rapyd's request signature, computed from the bytes as received.
///
/// `signature = BASE64(hex_lowercase(HMAC-SHA256(key: secret_key,
/// msg: lowercase(method) + url_path + salt + timestamp + access_key + secret_key + body)))`
/// (FACTS.md §2.4; https://docs.rapyd.net/en/request-signatures.html). The Base64 is taken over the
/// 64-character *hex text*, not the raw 32 bytes, as Rapyd's own `utilities.js` does.
///
/// `url_path` is the request target exactly as received (with `?query`), and `body` is the raw body
/// ("" for a GET). Real Rapyd appears to re-serialise JSON before checking (its error text asks for
/// compact JSON); the emulator is stricter and signs the raw bytes, so a client that signs one
/// string and sends another is caught.
struct RapydSignatureCheck: Sendable {
    /// The HTTP method, any case (lowercased before signing).
    var method: String
    /// The request target as received, e.g. `/v1/orders/order_1?expand=x`.
    var urlPath: String
    var salt: String
    var timestamp: String
    var accessKey: String
    var secretKey: String
    /// The raw body bytes.
    var body: [UInt8]

    /// The expected `signature` header value.
    var expectedSignature: String {
        var message = Array((method.lowercased() + urlPath + salt + timestamp + accessKey + secretKey).utf8)
        message += body
        let hexText = EmulatorDigest.hex(EmulatorDigest.hmacSHA256(key: Array(secretKey.utf8), message: message))
        return Data(hexText.utf8).base64EncodedString()
    }

    /// Whether `signature` matches ``expectedSignature`` exactly.
    func accepts(signature: String) -> Bool {
        let expected = Array(expectedSignature.utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        // Constant-time comparison: the emulator is a test tool, but there is no reason to teach timing leaks.
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
