extension JSONParser {
    /// Parses the document when it is an object, keeping only the top-level members whose key
    /// `keep` accepts; every other value is checked exactly as ``parseDocument()`` checks it
    /// (same order, same errors) but not built.
    ///
    /// - Returns: The kept members in order, or `nil` when the document is valid JSON but not an object.
    mutating func parseDocumentMembers(keeping keep: (String) -> Bool) throws(JSONParseError) -> JSONValue.Members? {
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "{") else {
            _ = try parseDocument()
            return nil
        }
        var kept: JSONValue.Members = []
        try walkObject(depth: 1) { (parser: inout JSONParser, key: String) throws(JSONParseError) in
            if keep(key) {
                kept.append((key: key, value: try parser.parseValue(depth: 1)))
            } else {
                try parser.skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard pos == bytes.count else {
            throw fail(at: pos, "unexpected \(describeByte(at: pos)) after the JSON value")
        }
        return kept
    }

    /// Checks one value as ``parseValue(depth:)`` does, without building it.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard pos < bytes.count else { throw fail(at: pos, "unexpected end of input; expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            try walkObject(depth: depth + 1) { (parser: inout JSONParser, _: String) throws(JSONParseError) in
                try parser.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try walkArray(depth: depth + 1) { (parser: inout JSONParser) throws(JSONParseError) in
                try parser.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "\""): _ = try parseString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        case UInt8(ascii: "N"): throw fail(at: pos, "NaN is not valid JSON")
        case UInt8(ascii: "I"): throw fail(at: pos, "Infinity is not valid JSON")
        default: throw fail(at: pos, "unexpected \(describeByte(at: pos)); expected a value")
        }
    }
}
