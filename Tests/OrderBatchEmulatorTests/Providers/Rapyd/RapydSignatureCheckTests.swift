import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct RapydSignatureCheckTests {
    /// FACTS.md §2.4's locally computed vector.
    static let factsVector = RapydSignatureCheck(
        method: "post", urlPath: "/v1/orders/order_123", salt: "abcdefgh12345678", timestamp: "1700000000",
        accessKey: "rak_TEST", secretKey: "rsk_TEST", body: Array(#"{"metadata":{"batch":"b1"},"status":"paid"}"#.utf8))
    static let factsSignature =
        "Yzc5MWM2ZjdkMzZkMjY0MzZhNTczMDhjMDJmODc4Njc1N2E5MThlYTk3NGZlZjFjMmI4NTQyNDUyOTQwNjUyNw=="

    @Test func matchesTheFactsVector() {
        #expect(Self.factsVector.expectedSignature == Self.factsSignature)
        #expect(Self.factsVector.accepts(signature: Self.factsSignature))
        // The wrong raw-digest variant FACTS.md warns about is refused.
        #expect(!Self.factsVector.accepts(signature: "x5HG99NtJkNqVzCMAvh4Z1epGOqXT+8cK4VCRSlAZSc="))
    }

    @Test func testHelperAgreesWithTheFactsVector() {
        // The tests' own signer (TestSupport.swift) is checked against the same vector.
        let signature = rapydSignature(
            method: "POST", path: "/v1/orders/order_123", salt: "abcdefgh12345678", timestamp: "1700000000",
            accessKey: "rak_TEST", secretKey: "rsk_TEST", body: #"{"metadata":{"batch":"b1"},"status":"paid"}"#)
        #expect(signature == Self.factsSignature)
    }

    @Test func methodCaseDoesNotMatterButEverythingElseDoes() {
        var check = Self.factsVector
        check.method = "POST"
        #expect(check.accepts(signature: Self.factsSignature))
        check.body += [0x20]
        #expect(!check.accepts(signature: Self.factsSignature))
    }
}
