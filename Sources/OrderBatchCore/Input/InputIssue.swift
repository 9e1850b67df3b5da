/// A problem at a place in an input file.
public struct InputIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based physical line.
    public var line: Int
    /// The column name (or 1-based column number as text) when the problem is in one column.
    public var column: String?
    public var message: String

    public init(line: Int, column: String? = nil, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        if let column { return "line \(line): \(column): \(message)" }
        return "line \(line): \(message)"
    }
}
