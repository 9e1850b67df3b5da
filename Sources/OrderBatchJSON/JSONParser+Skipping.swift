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
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
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

    /// Walks an object as ``parseObject(depth:)`` does (same checks, same errors, duplicate keys
    /// refused), handing each member's value to `member` with the parser at its first byte.
    private mutating func walkObject(
        depth: Int, _ member: (inout JSONParser, String) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        guard depth <= maxDepth else { throw fail(at: pos, "nesting deeper than \(maxDepth) levels") }
        pos += 1  // {
        var keys: [String] = []
        var seen: Set<String>?
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return
        }
        while true {
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw fail(at: pos, "expected a string key, found \(describeByte(at: pos))")
            }
            let keyOffset = pos
            let key = try parseString()
            if keys.count < 16 {
                if keys.contains(key) { throw duplicate(key, at: keyOffset) }
            } else {
                if seen == nil { seen = Set(keys) }
                if seen?.insert(key).inserted == false { throw duplicate(key, at: keyOffset) }
            }
            keys.append(key)
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw fail(at: pos, "expected ':' after object key, found \(describeByte(at: pos))")
            }
            pos += 1
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            guard pos < bytes.count else { throw fail(at: pos, "unexpected end of input; expected ',' or '}'") }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return
            }
            guard bytes[pos] == UInt8(ascii: ",") else {
                throw fail(at: pos, "expected ',' or '}' in object, found \(describeByte(at: pos))")
            }
            pos += 1
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
                throw fail(at: pos, "trailing comma in object")
            }
        }
    }

    /// Checks an array as ``parseArray(depth:)`` does, without building it.
    private mutating func skipArray(depth: Int) throws(JSONParseError) {
        guard depth <= maxDepth else { throw fail(at: pos, "nesting deeper than \(maxDepth) levels") }
        pos += 1  // [
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return
        }
        while true {
            skipWhitespace()
            try skipValue(depth: depth)
            skipWhitespace()
            guard pos < bytes.count else { throw fail(at: pos, "unexpected end of input; expected ',' or ']'") }
            if bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return
            }
            guard bytes[pos] == UInt8(ascii: ",") else {
                throw fail(at: pos, "expected ',' or ']' in array, found \(describeByte(at: pos))")
            }
            pos += 1
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
                throw fail(at: pos, "trailing comma in array")
            }
        }
    }
}
