import Foundation
import OrderBatchJSON
import Testing

@Suite struct JSONParserTests {
    /// Parses `text` and returns the error, failing the test if it parsed.
    private func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
        do {
            let value = try JSONValue.parse(text)
            Issue.record("expected \(text) to be refused, got \(value)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    private func number(_ literal: String) throws -> JSONNumber {
        let value = try JSONValue.parse(literal)
        guard case let .number(n) = value else {
            Issue.record("not a number: \(value)")
            return JSONNumber(0)
        }
        return n
    }

    // MARK: - Numbers

    @Test func numbersAreNormalised() throws {
        #expect(try number("10.0").text == "10")
        #expect(try number("1.50").text == "1.5")
        #expect(try number("-0").text == "0")
        #expect(try number("-0.0e5").text == "0")
        #expect(try number("0.050").text == "0.05")
        #expect(try number("123e-2").text == "1.23")
        #expect(try number("1E3").text == "1000")
        #expect(try number("-12.340").text == "-12.34")
        #expect(try number("1e21").text == "1e+21")
        #expect(try number("1.5e-7").text == "1.5e-7")
        #expect(try number("0.000001").text == "0.000001")
        #expect(try number("1e0").text == "1")
        #expect(try number("10.0") == number("10"))
        #expect(try number("1.50") == number("1.5"))
        #expect(try number("-0") == number("0"))
    }

    @Test func numberFractionDigitsAndIntegerness() throws {
        let amount = try number("13.50")
        #expect(amount.fractionDigits == 1)
        #expect(!amount.isInteger)
        #expect(try number("10.000").isInteger)
        #expect(try number("10.000").fractionDigits == 0)
        #expect(try number("1e-3").fractionDigits == 3)
        #expect(try number("12.345").fractionDigits == 3)
        #expect(try number("1e3").isInteger)
        #expect(amount.decimal == Decimal(string: "13.5"))
    }

    @Test func hugeExponentsStayRepresentableButHaveNoDecimal() throws {
        let big = try number("1e400")
        #expect(big.text == "1e+400")
        #expect(big.decimal == nil)
        let tiny = try number("1e-400")
        #expect(tiny.text == "1e-400")
        #expect(tiny.decimal == nil)
        #expect(tiny.fractionDigits == 400)
        let absurd = try number("-2.5e999999999")
        #expect(absurd.text == "-2.5e+999999999")
        #expect(absurd.decimal == nil)
        #expect(absurd.isInteger)
        // 39 significant digits do not fit Decimal exactly.
        #expect(try number("123456789012345678901234567890123456789").decimal == nil)
        #expect(try number("12345678901234567890123456789012345678").decimal != nil)
        // Decimal's exponent is an Int8.
        #expect(try number("-1e127").decimal == Decimal(sign: .minus, exponent: 127, significand: 1))
        #expect(try number("1e128").decimal == nil)
        #expect(try number("1e-128").decimal == Decimal(sign: .plus, exponent: -128, significand: 1))
    }

    @Test func numberGrammarIsStrict() throws {
        #expect(parseError("01")?.message == "leading zeros are not allowed in numbers")
        #expect(parseError("-01")?.column == 2)
        #expect(parseError("1.")?.message == "expected a digit after the decimal point")
        #expect(parseError(".5") != nil)
        #expect(parseError("+1") != nil)
        #expect(parseError("1e")?.message == "expected a digit in the exponent")
        #expect(parseError("-")?.message == "expected a digit in number")
        #expect(parseError("0x10") != nil)
        #expect(parseError("NaN")?.message == "NaN is not valid JSON")
        #expect(parseError("Infinity")?.message == "Infinity is not valid JSON")
        #expect(parseError("[-Infinity]")?.message == "-Infinity is not valid JSON")
        #expect(parseError("1e99999999999999999999")?.message == "number exponent is out of range")
        #expect(JSONNumber(literal: "1.5") != nil)
        #expect(JSONNumber(literal: " 1.5") == nil)
        #expect(JSONNumber(literal: "1.5x") == nil)
        #expect(JSONNumber(literal: "") == nil)
        #expect(JSONNumber(-120).text == "-120")
        #expect(JSONNumber(-120) == JSONNumber(literal: "-1.2e2"))
    }

    // MARK: - Strings

    @Test func escapesAreDecoded() throws {
        let value = try JSONValue.parse(#""a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u20AC""#)
        #expect(value == .string("a\"b\\c/d\u{8}\u{C}\n\r\tAé€"))
    }

    @Test func surrogatePairsCombine() throws {
        #expect(try JSONValue.parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try JSONValue.parse("\"😀 é\"") == .string("😀 é"))
    }

    @Test func loneSurrogatesAreRefused() {
        #expect(parseError(#""\uD800""#)?.message == #"lone surrogate \uD800 in string"#)
        #expect(parseError(#""x\uD800\u0041""#)?.message == #"lone surrogate \uD800 in string"#)
        let low = parseError(#""ab\uDC00""#)
        #expect(low?.message == #"lone surrogate \uDC00 in string"#)
        #expect(low?.column == 4)
    }

    @Test func controlCharactersAndBadEscapesAreRefused() {
        let tab = parseError("\"a\tb\"")
        #expect(tab?.message == "unescaped control character U+0009 in string")
        #expect(tab?.column == 3)
        #expect(parseError(#""\x""#)?.message == #"invalid escape \x in string"#)
        #expect(parseError(#""\u12G4""#)?.message == #"invalid \u escape; expected 4 hex digits"#)
        #expect(parseError(#""abc"#)?.message == "unterminated string")
    }

    @Test func invalidUTF8IsRefused() {
        for bad: [UInt8] in [[0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            let bytes: [UInt8] = [0x22, 0x61] + bad + [0x22]
            #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes: bytes) }
        }
        do {
            _ = try JSONValue.parse(bytes: [0x22, 0x61, 0xFF, 0x22])
        } catch {
            #expect(error.offset == 2)
            #expect(error.message == "invalid UTF-8 byte 0xFF")
        }
    }

    // MARK: - Structure

    @Test func objectsKeepKeyOrder() throws {
        let value = try JSONValue.parse(#"{"z":1,"a":{"y":null,"b":true},"m":[false,"s"]}"#)
        guard case let .object(members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "m"])
        #expect(value["a"]?["y"] == .null)
        #expect(value["m"] == .array([.bool(false), .string("s")]))
    }

    @Test func duplicateKeysAreRefused() {
        let error = parseError(#"{"a":1, "a":2}"#)
        #expect(error?.message == #"duplicate key "a" in object"#)
        #expect(error?.column == 9)
        // Objects big enough to use the set-based check.
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(parseError("{\(members),\"k39\":0}")?.message == #"duplicate key "k39" in object"#)
        #expect((try? JSONValue.parse("{\(members)}")) != nil)
    }

    @Test func deepNestingIsRefusedWithoutRecursingFurther() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(parseError(tooDeep)?.message == "nesting deeper than 64 levels")
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(parseError(hostile)?.offset == 64 * 5)
    }

    @Test func malformedStructureIsRefusedWithPosition() {
        #expect(parseError("")?.message == "empty input; expected a JSON value")
        #expect(parseError("  \n ")?.message == "empty input; expected a JSON value")
        #expect(parseError("[1,]")?.message == "trailing comma in array")
        #expect(parseError(#"{"a":1,}"#)?.message == "trailing comma in object")
        #expect(parseError(#"{"a" 1}"#)?.message == "expected ':' after object key, found '1'")
        #expect(parseError("{a:1}")?.message == "expected a string key, found 'a'")
        #expect(parseError("[1 2]")?.message == "expected ',' or ']' in array, found '2'")
        #expect(parseError("tru")?.message == "invalid literal; expected 'true'")
        #expect(parseError("{} x")?.message == "unexpected 'x' after the JSON value")
        #expect(parseError("\u{FEFF}{}")?.message == "unexpected byte-order mark (U+FEFF); expected a value")
        let multiLine = parseError("{\n  \"amount\": 1,\n  \"é\": 0x1\n}")
        #expect(multiLine?.line == 3)
        #expect(multiLine?.column == 9)
        #expect(multiLine?.description == "line 3, column 9: expected ',' or '}' in object, found 'x'")
    }

    @Test func scalarsAndWhitespace() throws {
        #expect(try JSONValue.parse(" \t\r\n true ") == .bool(true))
        #expect(try JSONValue.parse("null") == .null)
        #expect(try JSONValue.parse(#""""#) == .string(""))
        #expect(try JSONValue.parse("[]") == .array([]))
        #expect(try JSONValue.parse("{}") == .object([]))
        #expect(try JSONValue.parse(#""\u0000""#) == .string("\u{0}"))
    }
}
