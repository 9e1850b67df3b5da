import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct FormDecodingTests {
    @Test func decodesPercentPlusAndUTF8() throws {
        let pairs = try FormDecoding.decodeForm(Array("a=1+2&b=%C3%A9%2B&c=&d=x%3Dy".utf8))
        #expect(pairs.map(\.name) == ["a", "b", "c", "d"])
        #expect(pairs.map(\.value) == ["1 2", "é+", "", "x=y"])
        #expect(try FormDecoding.decodeForm([]).isEmpty)
    }

    @Test(arguments: ["a", "=1", "a=1&", "&a=1", "a=%2", "a=%G1", "a=%C3", "a=1&&b=2"])
    func refusesMalformedForms(text: String) {
        #expect(throws: FormDecoding.Failure.self) { try FormDecoding.decodeForm(Array(text.utf8)) }
    }

    @Test func pathSegmentsKeepPlus() throws {
        #expect(try FormDecoding.percentDecode("a+b%20c".utf8, plusIsSpace: false) == "a+b c")
    }
}
