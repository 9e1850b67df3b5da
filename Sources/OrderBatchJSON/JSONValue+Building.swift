extension JSONValue {
    /// A whole number, for documents the commands build (`--json` outputs).
    ///
    /// - Parameter value: The number.
    /// - Returns: `.number` with the number's decimal text.
    public static func integer(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
}
