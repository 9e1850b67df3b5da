import Foundation
import OrderBatchJSON
import Testing

/// A JSON number keeps how the input wrote it (``JSONNumber/literal``) beside its normal form, so validators
/// can refuse an exponent or a sign and quote the input as it is; equality stays by value.
@Suite struct JSONNumberLiteralTests {
    @Test(arguments: [
        ("1E2", "100"), ("15E-1", "1.5"), ("-0", "0"), ("0.0000001", "1e-7"), ("13.50", "13.5"), ("13.5", "13.5"),
        ("123456789012345678901234567890123456789012", "1.23456789012345678901234567890123456789012e+41"),
    ])
    func theLiteralIsKeptBesideTheNormalForm(literal: String, text: String) throws {
        let number = try #require(JSONNumber(literal: literal))
        #expect(number.text == text)
        #expect(number.literal == literal)
        guard case .array(let items)? = try? JSONValue.parse("[\(literal), 1]"), case .number(let parsed)? = items.first
        else {
            Issue.record("not parsed as a number inside an array")
            return
        }
        #expect(parsed.literal == literal)
    }

    @Test func equalValuesAreEqualHoweverWritten() throws {
        let a = try #require(JSONNumber(literal: "1.50"))
        let b = try #require(JSONNumber(literal: "15E-1"))
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(JSONNumber(7).literal == "7")
    }
}
