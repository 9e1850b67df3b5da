import Foundation

/// Rapyd's request signature and salt (FACTS.md §2.4).
///
/// `signature = BASE64( hex( HMAC-SHA256(key: secret_key,
///     lowercase(method) + url_path + salt + timestamp + access_key + secret_key + body) ) )`
///
/// Rapyd Base64-encodes the lowercase **hex text** of the MAC, not its 32 raw bytes
/// (`Buffer.from(hmac.digest("hex")).toString("base64")` in Rapyd's reference code).
///
/// ```swift
/// let salt = try RapydSignature.makeSalt()
/// let signature = RapydSignature.compute(
///     method: "POST", urlPath: "/v1/orders/order_123", salt: salt, timestamp: now - 10,
///     accessKey: accessKey, secretKey: secretKey, body: compactJSON)
/// ```
///
/// Related Rapyd documentation: <https://docs.rapyd.net/en/request-signatures.html>.
public enum RapydSignature {
    /// The characters a salt is drawn from.
    private static let saltAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    /// The length of a salt from ``makeSalt()`` (Rapyd recommends 8–16).
    public static let saltLength = 16

    /// The `signature` header value for one request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method in any case; it is lowercased for signing.
    ///   - urlPath: Everything after the base URI, starting with `/v1`, including `?` and the query.
    ///   - salt: The request's `salt` header value.
    ///   - timestamp: The request's `timestamp` header value (Unix seconds).
    ///   - accessKey: The `access_key` header value.
    ///   - secretKey: The secret key: the HMAC key, and also part of the signed text.
    ///   - body: The exact body bytes sent as text (`""` for no body or `{}`).
    /// - Returns: The Base64 text of the lowercase hex HMAC (88 characters).
    public static func compute(
        method: String, urlPath: String, salt: String, timestamp: Int64, accessKey: Secret, secretKey: Secret,
        body: String
    ) -> String {
        let secret = secretKey.reveal()
        let signed = method.lowercased() + urlPath + salt + String(timestamp) + accessKey.reveal() + secret + body
        let hex = HMACSHA256.hexDigest(key: Array(secret.utf8), message: Array(signed.utf8))
        return Data(hex.utf8).base64EncodedString()
    }

    /// A fresh random salt of ``saltLength`` ASCII letters and digits.
    ///
    /// Bytes come from `RAND_bytes`; values ≥ 248 are discarded so that each of the 62 characters is
    /// equally likely (248 = 4 × 62).
    ///
    /// - Returns: The salt.
    /// - Throws: ``CryptoError`` when the random generator fails.
    public static func makeSalt() throws(CryptoError) -> String {
        let limit = UInt8(256 - 256 % saltAlphabet.count)
        var salt: [UInt8] = []
        salt.reserveCapacity(saltLength)
        while salt.count < saltLength {
            for byte in try SecureRandom.bytes(saltLength) where byte < limit && salt.count < saltLength {
                salt.append(saltAlphabet[Int(byte) % saltAlphabet.count])
            }
        }
        return String(decoding: salt, as: UTF8.self)
    }
}
