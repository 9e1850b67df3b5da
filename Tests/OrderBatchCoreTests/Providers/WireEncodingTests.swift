import Foundation
import Testing

@testable import OrderBatchCore

@Suite struct WireEncodingTests {
    // MARK: - Form encoding (WHATWG application/x-www-form-urlencoded)

    @Test func formEncodingEscapesSeparatorsSpaceAndNonASCII() {
        #expect(FormEncoding.encodeComponent("a&b=c+d e%") == "a%26b%3Dc%2Bd+e%25")
        #expect(FormEncoding.encodeComponent("São Paulo") == "S%C3%A3o+Paulo")
        #expect(FormEncoding.encodeComponent("日本") == "%E6%97%A5%E6%9C%AC")
        #expect(FormEncoding.encodeComponent("😀") == "%F0%9F%98%80")
        // WHATWG leaves *-._ and alphanumerics, and encodes ~ (unlike RFC 3986).
        #expect(FormEncoding.encodeComponent("Az09*-._~") == "Az09*-._%7E")
        #expect(FormEncoding.encodeComponent("line\nbreak\t") == "line%0Abreak%09")
        #expect(FormEncoding.encodeComponent("") == "")
    }

    @Test func formBodyKeepsPairOrderAndEncodesNames() {
        let body = FormEncoding.encode([("amount", "90.5"), ("udf1", "x=1&y=2"), ("a b", "")])
        #expect(body == "amount=90.5&udf1=x%3D1%26y%3D2&a+b=")
    }

    /// What the adapter encodes, the emulator's independent decoder must read back unchanged.
    @Test func formEncodingRoundTripsThroughAnIndependentDecoder() throws {
        let values = ["a&b=c+d e%", "São Paulo", "+", "%2B", "=", "&&", "😀 é", "~*"]
        let body = FormEncoding.encode(values.enumerated().map { ("udf\($0.offset + 1)", $0.element) })
        var components = URLComponents()
        // Foundation reads '+' literally, so turn the form's '+' into '%20' before handing it over.
        components.percentEncodedQuery = body.replacingOccurrences(of: "+", with: "%20")
        let decoded = try #require(components.queryItems).map { $0.value ?? "" }
        #expect(decoded == values)
    }

    // MARK: - Path segments

    @Test func pathSegmentEncodesEverythingButUnreserved() {
        #expect(PathSegment.encode("ORD123") == "ORD123")
        #expect(PathSegment.encode("order_ab-c.d~e") == "order_ab-c.d~e")
        #expect(PathSegment.encode("A/B?C#D%E") == "A%2FB%3FC%23D%25E")
        #expect(PathSegment.encode("é x+") == "%C3%A9%20x%2B")
        #expect(PathSegment.encode(".") == "%2E")
        #expect(PathSegment.encode("..") == "%2E%2E")
    }

    @Test func joinAvoidsDoubleSlashes() {
        #expect(PathSegment.join(base: "https://api.juspay.in/", path: "/orders/X") == "https://api.juspay.in/orders/X")
        #expect(PathSegment.join(base: "http://h:1/prefix//", path: "/v1/orders/X") == "http://h:1/prefix/v1/orders/X")
    }

    // MARK: - Retry-After

    @Test func retryAfterReadsSecondsAndAllThreeDateForms() {
        let now = Date(timeIntervalSince1970: 784_111_777 - 30)  // 30 s before Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds(" 0 ", now: now) == 0)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Sun Nov  6 08:49:37 1994", now: now) == 30)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:00 GMT", now: now) == 0)  // past → now
        #expect(RetryAfter.seconds(nil, now: now) == nil)
        #expect(RetryAfter.seconds("", now: now) == nil)
        #expect(RetryAfter.seconds("-5", now: now) == nil)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.seconds("1.5", now: now) == nil)
    }

    @Test func httpDateIsComputedInUTC() throws {
        let date = try #require(RetryAfter.httpDate("Thu, 01 Jan 2026 00:00:00 GMT"))
        #expect(date.timeIntervalSince1970 == 1_767_225_600)
        let leap = try #require(RetryAfter.httpDate("Thu, 29 Feb 2024 12:00:00 GMT"))
        #expect(leap.timeIntervalSince1970 == 1_709_208_000)
    }

    // MARK: - Shared classification

    @Test func statusClassesFollowTheSharedTable() {
        let now = Date(timeIntervalSince1970: 0)
        func kind(_ status: Int, retryAfter: String? = nil) -> Outcome.Kind {
            let headers = retryAfter.map { [(name: "Retry-After", value: $0)] } ?? []
            return OutcomeClassifier.byStatus(
                HTTPResponse(status: status, headers: headers, body: [], latencyMilliseconds: 1), errorCode: nil,
                message: nil, now: now
            ).kind
        }
        for status in [408, 409, 425, 429, 500, 502, 503, 504, 599] {
            #expect(kind(status) == .retryable(retryAfterSeconds: nil), "status \(status)")
        }
        for status in [301, 400, 401, 403, 404, 405, 410, 413, 422] {
            #expect(kind(status) == .permanent, "status \(status)")
        }
        #expect(kind(429, retryAfter: "7") == .retryable(retryAfterSeconds: 7))
        #expect(kind(503, retryAfter: "Thu, 01 Jan 1970 00:00:09 GMT") == .retryable(retryAfterSeconds: 9))
        #expect(kind(400, retryAfter: "7") == .permanent)
    }

    @Test func transportFailuresKeepKindDetailLatencyAndUnknownFate() {
        let sent = OutcomeClassifier.transportFailure(
            TransportError(
                kind: .timedOut, detail: "Operation timed out after 300 ms", requestMayHaveBeenSent: true,
                latencyMilliseconds: 301))
        #expect(sent.kind == .retryable(retryAfterSeconds: nil))
        #expect(sent.errorCode == "timed_out")
        #expect(sent.message == "Operation timed out after 300 ms")
        #expect(sent.mayHaveBeenApplied)
        #expect(sent.latencyMilliseconds == 301)
        #expect(sent.httpStatus == nil)
        let refused = OutcomeClassifier.transportFailure(
            TransportError(kind: .couldNotConnect, detail: "Connection refused", requestMayHaveBeenSent: false))
        #expect(refused.errorCode == "could_not_connect")
        #expect(!refused.mayHaveBeenApplied)
    }

    @Test func scrubberMasksEveryCredentialLongestFirst() {
        let scrubber = CredentialScrubber(["abc", "abcdef", ""])
        #expect(scrubber.scrub("key abcdef and abc.") == "key *** and ***.")
        #expect(scrubber.scrub("nothing here") == "nothing here")
    }
}
