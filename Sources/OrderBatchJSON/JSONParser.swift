/// A recursive-descent RFC 8259 parser over a borrowed UTF-8 buffer.
///
/// Recursion is bounded by `maxDepth`, so hostile nesting cannot overflow the stack.
/// Strings and escapes are in `JSONParser+Strings.swift`, error positions and message
/// text in `JSONParser+Diagnostics.swift`; ``JSONValue/parse(_:maxDepth:)`` is the entry point.
struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    var pos = 0
    /// Reused for strings that need unescaping or UTF-8 validation.
    var scratch: [UInt8] = []

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses the whole buffer as one JSON value surrounded by optional whitespace.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard pos < bytes.count else { throw fail(at: pos, "empty input; expected a JSON value") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard pos == bytes.count else {
            throw fail(at: pos, "unexpected \(describeByte(at: pos)) after the JSON value")
        }
        return value
    }

    // MARK: - Values

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard pos < bytes.count else { throw fail(at: pos, "unexpected end of input; expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "N"): throw fail(at: pos, "NaN is not valid JSON")
        case UInt8(ascii: "I"): throw fail(at: pos, "Infinity is not valid JSON")
        default: throw fail(at: pos, "unexpected \(describeByte(at: pos)); expected a value")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        try walkObject(depth: depth) { (parser: inout JSONParser, key: String) throws(JSONParseError) in
            members.append((key: key, value: try parser.parseValue(depth: depth)))
        }
        return .object(members)
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        var elements: [JSONValue] = []
        try walkArray(depth: depth) { (parser: inout JSONParser) throws(JSONParseError) in
            elements.append(try parser.parseValue(depth: depth))
        }
        return .array(elements)
    }

    /// The object grammar, the one place it is written: checks the depth, the keys (strings, no
    /// duplicate), the separators and the trailing comma, and hands each member's value to `member`
    /// with the parser at its first byte (``parseObject(depth:)`` builds it, ``skipValue(depth:)``
    /// only checks it).
    @inline(__always)
    mutating func walkObject(
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
            // Linear search is cheapest for the small objects orders carry; switch to a set for big ones.
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

    /// The array grammar, the one place it is written: checks the depth, the separators and the trailing
    /// comma, and calls `element` with the parser at each element's first byte.
    @inline(__always)
    mutating func walkArray(
        depth: Int, _ element: (inout JSONParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        guard depth <= maxDepth else { throw fail(at: pos, "nesting deeper than \(maxDepth) levels") }
        pos += 1  // [
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
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

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = pos
        var matched = true
        literal.withUTF8Buffer { lit in
            if bytes.count - start < lit.count {
                matched = false
                return
            }
            for i in 0..<lit.count where bytes[start + i] != lit[i] {
                matched = false
                return
            }
        }
        guard matched else { throw fail(at: start, "invalid literal; expected '\(literal)'") }
        pos += literal.utf8CodeUnitCount
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
        if rest.count >= 2, rest[0] == UInt8(ascii: "-"), rest[1] == UInt8(ascii: "I") {
            throw fail(at: start, "-Infinity is not valid JSON")
        }
        switch JSONNumber.scanOrFail(rest) {
        case let .success(scanned):
            pos += scanned.length
            return scanned.number
        case let .failure(failure):
            throw fail(at: start + failure.offset, failure.message)
        }
    }

    // MARK: - Whitespace

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }
}
