/// Why a JSON text was refused, and where.
///
/// Thrown by ``JSONValue/parse(_:maxDepth:)`` and ``JSONValue/parse(bytes:maxDepth:)``.
/// The position is given three ways so callers can report it in their own terms:
/// JSONL readers use ``column`` with their own line number, other callers use
/// ``description`` (`line 1, column 9: duplicate key "a"`).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 0-based byte offset of the offending byte in the UTF-8 input (the input's byte
    /// count when the text ended too early).
    public var offset: Int
    /// 1-based line of the offending byte (lines end at `\n`).
    public var line: Int
    /// 1-based character (Unicode scalar) column of the offending byte within its line.
    public var column: Int
    /// What is wrong, in words a user can act on (`lone surrogate \uD800 in string`).
    public var message: String

    public init(offset: Int, line: Int, column: Int, message: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
