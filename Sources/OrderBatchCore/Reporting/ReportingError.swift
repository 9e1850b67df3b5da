/// A failure to write a report, a metrics file or progress output.
public enum ReportingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be created or opened for writing (`errno` names why).
    case cannotOpen(path: String, errno: Int32)
    /// Writing failed part-way (disk full, closed pipe, …); the output is incomplete.
    case writeFailed(target: String, errno: Int32)
    /// The finished temporary file could not be renamed over the destination.
    case cannotRename(from: String, to: String, errno: Int32)
    /// A CSV report row has a column the header, fixed by the first row or given up front, lacks.
    case columnNotInHeader(column: String, line: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, code):
            return "cannot open \(path) for writing: \(Self.reason(code)); check the directory exists and is writable"
        case let .writeFailed(target, code):
            return "writing to \(target) failed: \(Self.reason(code)); the output is incomplete"
        case let .cannotRename(from, to, code):
            return "cannot move \(from) to \(to): \(Self.reason(code)); the previous file is unchanged"
        case let .columnNotInHeader(column, line):
            return "the row from input line \(line) has the column \"\(column)\", which the CSV report's header lacks;"
                + " pass every input column name to the report writer up front (JSONL inputs may vary per line)"
        }
    }

    private static func reason(_ code: Int32) -> String { ErrnoText.describe(code) }
}
