extension JSONValue {
    /// The default limit on array/object nesting; deeper input is refused, not recursed into.
    public static let defaultMaxDepth = 64

    /// Parses one JSON text (RFC 8259), strictly.
    ///
    /// Hand-written because Foundation's `JSONSerialization` turns numbers into `Double`
    /// and objects into unordered dictionaries; this parser keeps number text and key order.
    ///
    /// ```swift
    /// let value = try JSONValue.parse(#"{"status":"paid","amount":13.50}"#)
    /// value["amount"]  // .number(13.5)
    /// ```
    ///
    /// Refused: duplicate object keys, `NaN`/`Infinity`, leading zeros, trailing commas,
    /// unescaped control characters in strings, invalid UTF-8, lone UTF-16 surrogates in
    /// `\u` escapes, content after the value, and nesting deeper than `maxDepth`.
    /// Whitespace (space, tab, CR, LF) around tokens is allowed; a byte-order mark is not.
    ///
    /// - Parameters:
    ///   - text: The JSON text.
    ///   - maxDepth: The deepest array/object nesting accepted (`[[1]]` has depth 2).
    /// - Returns: The value.
    /// - Throws: ``JSONParseError`` naming the offset, line, column and problem.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { utf8 in
            var parser = JSONParser(bytes: UnsafeRawBufferPointer(utf8), maxDepth: maxDepth)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        return try result.get()
    }

    /// Parses one JSON text (RFC 8259) from UTF-8 bytes, strictly.
    ///
    /// See ``parse(_:maxDepth:)`` for what is refused. Invalid UTF-8 is reported at its
    /// first bad byte.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 encoded JSON text; only read during the call.
    ///   - maxDepth: The deepest array/object nesting accepted.
    /// - Returns: The value.
    /// - Throws: ``JSONParseError`` naming the offset, line, column and problem.
    public static func parse(
        bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// Parses one JSON text (RFC 8259) from UTF-8 bytes, strictly.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 encoded JSON text.
    ///   - maxDepth: The deepest array/object nesting accepted.
    /// - Returns: The value.
    /// - Throws: ``JSONParseError`` naming the offset, line, column and problem.
    public static func parse(bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw, maxDepth: maxDepth)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        return try result.get()
    }
}

/// A recursive-descent RFC 8259 parser over a borrowed UTF-8 buffer.
///
/// Recursion is bounded by `maxDepth`, so hostile nesting cannot overflow the stack.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private let maxDepth: Int
    private var pos = 0
    /// Reused for strings that need unescaping or UTF-8 validation.
    private var scratch: [UInt8] = []

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

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard pos < bytes.count else { throw fail(at: pos, "unexpected end of input; expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "N"): throw fail(at: pos, "NaN is not valid JSON")
        case UInt8(ascii: "I"): throw fail(at: pos, "Infinity is not valid JSON")
        default: throw fail(at: pos, "unexpected \(describeByte(at: pos)); expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(at: pos, "nesting deeper than \(maxDepth) levels") }
        pos += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        var seen: Set<String>?
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object(members)
        }
        while true {
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw fail(at: pos, "expected a string key, found \(describeByte(at: pos))")
            }
            let keyOffset = pos
            let key = try parseString()
            // Linear search is cheapest for the small objects orders carry; switch to a set for big ones.
            if members.count < 16 {
                if members.contains(where: { $0.key == key }) { throw duplicate(key, at: keyOffset) }
            } else {
                if seen == nil { seen = Set(members.map(\.key)) }
                if seen?.insert(key).inserted == false { throw duplicate(key, at: keyOffset) }
            }
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw fail(at: pos, "expected ':' after object key, found \(describeByte(at: pos))")
            }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key: key, value: value))
            skipWhitespace()
            guard pos < bytes.count else { throw fail(at: pos, "unexpected end of input; expected ',' or '}'") }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(members)
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

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(at: pos, "nesting deeper than \(maxDepth) levels") }
        pos += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard pos < bytes.count else { throw fail(at: pos, "unexpected end of input; expected ',' or ']'") }
            if bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(elements)
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

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
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

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
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

    // MARK: - Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        let open = pos
        pos += 1  // opening quote
        let start = pos
        // Fast path: printable ASCII with no escapes is copied straight into the String.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            pos += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: scratch, as: UTF8.self)  // validated as it was copied
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0..<0x20:
                throw fail(at: pos, "unescaped control character \(hexScalar(UInt32(b))) in string")
            case 0x80...:
                let length = utf8SequenceLength(at: pos)
                guard length > 0 else { throw fail(at: pos, "invalid UTF-8 \(describeInvalidByte(at: pos))") }
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[pos..<pos + length]))
                pos += length
            default:
                scratch.append(b)
                pos += 1
            }
        }
        throw fail(at: open, "unterminated string")
    }

    /// Decodes the escape at `pos` (a backslash) into `scratch`.
    private mutating func parseEscape() throws(JSONParseError) {
        let escapeStart = pos
        pos += 1
        guard pos < bytes.count else { throw fail(at: escapeStart, "unterminated escape sequence") }
        let c = bytes[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: escapeStart)
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate must be followed at once by an escaped low surrogate.
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                else { throw fail(at: escapeStart, "lone surrogate \\u\(hex4(unit)) in string") }
                let lowStart = pos
                pos += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail(at: escapeStart, "lone surrogate \\u\(hex4(unit)) in string")
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail(at: escapeStart, "lone surrogate \\u\(hex4(unit)) in string")
            }
            // Non-surrogate values and combined pairs are always valid scalars.
            if let scalar = Unicode.Scalar(scalarValue) {
                scratch.append(contentsOf: scalar.utf8)
            }
        default:
            throw fail(at: escapeStart, "invalid escape \\\(describeEscapeChar(c)) in string")
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else { throw fail(at: escapeStart, "incomplete \\u escape; expected 4 hex digits") }
            let b = bytes[pos]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail(at: escapeStart, "invalid \\u escape; expected 4 hex digits")
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence (RFC 3629 table) starting at `i`, or 0.
    ///
    /// Refuses overlong forms, encoded surrogates (`ED A0…`) and values above U+10FFFF.
    private func utf8SequenceLength(at i: Int) -> Int {
        let n = bytes.count
        let b0 = bytes[i]
        @inline(__always) func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            j < n && bytes[j] >= lo && bytes[j] <= hi
        }
        switch b0 {
        case 0xC2...0xDF: return cont(i + 1) ? 2 : 0
        case 0xE0: return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(i + 1) && cont(i + 2) ? 3 : 0
        case 0xED: return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0
        case 0xF0: return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF1...0xF3: return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF4: return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0
        default: return 0
        }
    }

    // MARK: - Whitespace and errors

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private func duplicate(_ key: String, at offset: Int) -> JSONParseError {
        fail(at: offset, "duplicate key \"\(key)\" in object")
    }

    /// Builds the error for `offset`, working out its line and character column.
    private func fail(at offset: Int, _ message: String) -> JSONParseError {
        let offset = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return JSONParseError(offset: offset, line: line, column: column, message: message)
    }

    /// `'x'`, `U+000A`, `'é'`, `byte 0xFF` or `end of input`, for messages.
    private func describeByte(at i: Int) -> String {
        guard i < bytes.count else { return "end of input" }
        let b = bytes[i]
        switch b {
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(b)))'"
        case 0..<0x20, 0x7F: return hexScalar(UInt32(b))
        default:
            let length = utf8SequenceLength(at: i)
            guard length > 0 else { return "invalid UTF-8 \(describeInvalidByte(at: i))" }
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<i + length]), as: UTF8.self)
            if s == "\u{FEFF}" { return "byte-order mark (U+FEFF)" }
            return "'\(s)'"
        }
    }

    private func describeInvalidByte(at i: Int) -> String {
        "byte 0x" + String(bytes[i], radix: 16, uppercase: true)
    }

    private func describeEscapeChar(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? String(Character(Unicode.Scalar(c))) : hexScalar(UInt32(c))
    }

    private func hexScalar(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func hex4(_ v: UInt16) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
