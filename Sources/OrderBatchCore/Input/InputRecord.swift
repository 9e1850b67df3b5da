/// One cell of an input record: CSV cells are text, JSONL members are JSON values.
public enum CellValue: Sendable, Equatable {
    /// A CSV cell, exactly as unquoted from the file.
    case text(String)
    /// A JSONL member's value.
    case json(JSONValue)
}

/// One record read from an input file, before validation.
public struct InputRecord: Sendable {
    /// The physical line (1-based) on which the record starts.
    public var line: Int
    /// Column names, in file order: the CSV header, or the JSONL object's keys.
    public var columns: [String]
    /// One value per column, aligned with `columns`.
    public var values: [CellValue]

    public init(line: Int, columns: [String], values: [CellValue]) {
        self.line = line
        self.columns = columns
        self.values = values
    }

    /// The value of the column named `name`, if present.
    public func value(_ name: String) -> CellValue? {
        guard let i = columns.firstIndex(of: name) else { return nil }
        return values[i]
    }
}

/// What a reader yields for each record: a record, or a record-level error after which
/// reading goes on with the next record.
public enum RecordResult: Sendable {
    case record(InputRecord)
    /// A record that could not be read (wrong column count, invalid JSON on a line…).
    case malformed(InputIssue)
}
