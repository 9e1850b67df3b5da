/// A problem that stops an input file from being read any further.
///
/// Record-level problems (a wrong column count, a bad cell, an invalid JSON line) are not
/// errors: readers yield them as ``RecordResult/malformed(_:)`` and go on. An `InputError`
/// means there is no safe place to go on from: the file cannot be opened or read, it has no
/// usable header, or its quoting is broken in a way that makes every later line suspect.
///
/// The description names the file, the line when there is one, what is wrong and what to do:
///
///     orders.csv:41: the quoted field in column "note" of the record starting on line 41 is never closed;
///     the file may be truncated. Close the quote (") or re-export the file.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem stopped the read.
    public enum Kind: Sendable, Equatable {
        /// There is no file at the path.
        case fileNotFound
        /// The file exists but cannot be opened (permissions, a directory, …).
        case unreadable
        /// Reading failed part-way (an I/O error from the operating system).
        case ioError
        /// The file has no bytes (or only a byte-order mark).
        case emptyFile
        /// The file has no header row (only blank lines).
        case missingHeader
        /// The header row has an empty, duplicate, overlong or non-UTF-8 column name.
        case invalidHeader
        /// Quoting is broken and the reader cannot tell where the next record starts.
        case malformedQuoting
        /// A quoted field is still open at the end of the file.
        case unterminatedQuote
        /// More records than one run can index.
        case tooManyRecords
    }

    /// What kind of problem stopped the read.
    public let kind: Kind
    /// The input file's path, as given.
    public let path: String
    /// The 1-based physical line the problem is on, when there is one.
    public let line: Int?
    /// What is wrong and what the user should do about it.
    public let message: String

    private init(_ kind: Kind, path: String, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }

    // MARK: - Factories

    /// No file at `path`.
    public static func fileNotFound(path: String) -> InputError {
        InputError(.fileNotFound, path: path, "no such file; check the input path")
    }

    /// The file cannot be opened; `reason` is the system's explanation (`Permission denied`).
    public static func unreadable(path: String, reason: String) -> InputError {
        InputError(.unreadable, path: path, "cannot open the file for reading (\(reason)); check its permissions")
    }

    /// `path` names a directory, not a file.
    public static func isDirectory(path: String) -> InputError {
        InputError(.unreadable, path: path, "is a directory; give the path of a CSV or JSONL file")
    }

    /// Reading failed part-way; `reason` is the system's explanation.
    public static func ioError(path: String, line: Int?, reason: String) -> InputError {
        InputError(
            .ioError, path: path, line: line, "read failed (\(reason)); check the disk or copy the file and retry")
    }

    /// The file is empty.
    public static func emptyFile(path: String) -> InputError {
        InputError(
            .emptyFile, path: path,
            "the file is empty; give a CSV file (a header row, then one row per order) or JSONL (one object per line)")
    }

    /// The file has only blank lines.
    public static func missingHeader(path: String) -> InputError {
        InputError(
            .missingHeader, path: path, "no header row (the file has only blank lines); add a header such as order_id,…"
        )
    }

    /// The header row is unusable; `problem` says how.
    public static func invalidHeader(path: String, line: Int, problem: String) -> InputError {
        InputError(.invalidHeader, path: path, line: line, "invalid header row: \(problem)")
    }

    /// A stray quote (`problem`) is followed by more quotes on its line, so quoting is
    /// skewed and no later line can be trusted to start a record.
    public static func malformedQuoting(path: String, line: Int, problem: String) -> InputError {
        InputError(
            .malformedQuoting, path: path, line: line,
            "\(problem), and more quotes follow on that line, so the reader cannot tell where the next record "
                + #"starts. Fix the quoting: quote the whole field and double the quotes inside it ("5"" screen")"#)
    }

    /// A quoted field in `column` of the record starting on `line` is never closed.
    public static func unterminatedQuote(path: String, line: Int, column: String) -> InputError {
        InputError(
            .unterminatedQuote, path: path, line: line,
            "the quoted field in column \(column) of the record starting on line \(line) is never closed; the file may be "
                + #"truncated. Close the quote (") or re-export the file"#)
    }

    /// More than `limit` records.
    public static func tooManyRecords(path: String, limit: Int) -> InputError {
        InputError(.tooManyRecords, path: path, "more than \(limit) records; split the file into smaller ones")
    }
}
