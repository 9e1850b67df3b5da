extension JSONValue {
    /// An object's members, in document order.
    public typealias Members = [(key: String, value: JSONValue)]

    /// Parses a JSON text from UTF-8 bytes as strictly as ``parse(bytes:maxDepth:)-(UnsafeRawBufferPointer,_)``
    /// (the same checks and the same errors), but builds only the top-level object members that
    /// `keep` accepts: for an answer whose few fields are read, once per request.
    ///
    /// ```swift
    /// let members = try JSONValue.parseMembers(bytes: Array(#"{"id":"x","amount":90.5}"#.utf8)) { $0 == "amount" }
    /// // [("amount", .number(90.5))]
    /// ```
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 encoded JSON text.
    ///   - maxDepth: The deepest array/object nesting accepted.
    ///   - keep: Whether to build the member with this key.
    /// - Returns: The kept members in document order, or `nil` when the text is valid JSON but not an object.
    /// - Throws: ``JSONParseError`` naming the offset, line, column and problem.
    public static func parseMembers(
        bytes: [UInt8], maxDepth: Int = defaultMaxDepth, keeping keep: (String) -> Bool
    ) throws(JSONParseError) -> Members? {
        let result: Result<Members?, JSONParseError> = bytes.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw, maxDepth: maxDepth)
            return Result { () throws(JSONParseError) in try parser.parseDocumentMembers(keeping: keep) }
        }
        return try result.get()
    }
}
