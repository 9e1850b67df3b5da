extension JSONValue {
    /// The value as compact JSON, byte for byte what JavaScript's `JSON.stringify` writes.
    ///
    /// Rapyd signs the `JSON.stringify` text of a request body, so this must agree with it:
    /// no whitespace outside strings, object members in stored order, numbers as their
    /// normalised ``JSONNumber/text`` (`10`, `13.5`, `1e+21`, never `10.0`), and strings
    /// escaped minimally: `"` and `\` with a backslash; backspace, form feed, newline,
    /// carriage return and tab as `\b \f \n \r \t`; other control characters below U+0020
    /// as lowercase `\u00XX`; everything else, `/` and non-ASCII included, as is (UTF-8).
    ///
    /// ```swift
    /// try JSONValue.parse(#"{ "a" : [1.50, "\/é"] }"#).compactText  // {"a":[1.5,"/é"]}
    /// ```
    ///
    /// Numbers with more than 17 significant digits are written in full; JavaScript
    /// would round them through `Double`, so such values have no `JSON.stringify` twin.
    public var compactText: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        JSONValue.write(self, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(true): out.append(contentsOf: "true".utf8)
        case .bool(false): out.append(contentsOf: "false".utf8)
        case let .number(number): out.append(contentsOf: number.text.utf8)
        case let .string(string): writeString(string, into: &out)
        case let .array(elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `string` quoted and escaped as ECMA-262 `QuoteJSONString` does.
    ///
    /// Swift strings hold only Unicode scalars, so the lone-surrogate case of
    /// `QuoteJSONString` cannot arise.
    private static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
