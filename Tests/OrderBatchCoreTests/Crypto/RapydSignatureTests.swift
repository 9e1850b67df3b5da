import Foundation
import OrderBatchCore
import Testing

@Suite struct RapydSignatureTests {
    /// FACTS.md §2.4, computed from the documented formula.
    @Test func factsVector() {
        let signature = RapydSignature.compute(
            method: "POST", urlPath: "/v1/orders/order_123", salt: "abcdefgh12345678", timestamp: 1_700_000_000,
            accessKey: Secret("rak_TEST"), secretKey: Secret("rsk_TEST"),
            body: #"{"metadata":{"batch":"b1"},"status":"paid"}"#)
        #expect(signature == "Yzc5MWM2ZjdkMzZkMjY0MzZhNTczMDhjMDJmODc4Njc1N2E5MThlYTk3NGZlZjFjMmI4NTQyNDUyOTQwNjUyNw==")
    }

    /// The raw-digest variant (Base64 of the 32 MAC bytes) is the classic mistake; it must differ.
    @Test func rawDigestVariantDoesNotMatch() {
        let message =
            "post/v1/orders/order_123abcdefgh123456781700000000rak_TESTrsk_TEST"
            + #"{"metadata":{"batch":"b1"},"status":"paid"}"#
        let raw = Data(HMACSHA256.digest(key: Array("rsk_TEST".utf8), message: Array(message.utf8)))
            .base64EncodedString()
        #expect(raw == "x5HG99NtJkNqVzCMAvh4Z1epGOqXT+8cK4VCRSlAZSc=")
        let signature = RapydSignature.compute(
            method: "post", urlPath: "/v1/orders/order_123", salt: "abcdefgh12345678", timestamp: 1_700_000_000,
            accessKey: Secret("rak_TEST"), secretKey: Secret("rsk_TEST"),
            body: #"{"metadata":{"batch":"b1"},"status":"paid"}"#)
        #expect(signature != raw)
    }

    /// A second vector computed at test time by the `openssl` command line, sharing no code with
    /// orderbatch: `printf %s "$msg" | openssl dgst -sha256 -hmac "$key"`, then Base64 of the hex.
    @Test func matchesOpenSSLCommandLine() throws {
        let salt = "Zx9Qw8Er7Ty6Ui5O"
        let timestamp: Int64 = 1_712_345_678
        let body = #"{"amount":10,"description":"café ☕","metadata":{"k":"v w"}}"#
        let path = "/v1/orders/order_%C3%A9?fields=a%20b"
        let message = "get" + path + salt + String(timestamp) + "rak_other" + "rsk_other secret" + body
        let script =
            #"printf %s "$MSG" | openssl dgst -sha256 -hmac "$KEY" | sed 's/^.*= //' | tr -d '\n' | openssl base64 -A"#
        let expected = try runTool(
            "/bin/sh", ["-c", script],
            environment: ["MSG": message, "KEY": "rsk_other secret", "PATH": "/usr/bin:/bin"])
        #expect(expected.count == 88)
        let signature = RapydSignature.compute(
            method: "GET", urlPath: path, salt: salt, timestamp: timestamp, accessKey: Secret("rak_other"),
            secretKey: Secret("rsk_other secret"), body: body)
        #expect(signature == expected)
    }

    @Test func saltIsSixteenAlphanumericCharactersAndFresh() throws {
        var seen: Set<String> = []
        for _ in 0..<200 {
            let salt = try RapydSignature.makeSalt()
            #expect(salt.count == 16)
            #expect(salt.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            seen.insert(salt)
        }
        #expect(seen.count == 200)
    }
}
