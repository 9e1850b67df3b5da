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
