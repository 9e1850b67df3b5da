/// One record's fate as validation streams the file, handed to the caller in file order.
public struct ValidatedRecord {
    /// 1-based position among the file's records.
    public var seq: Int
    public var line: Int
    /// The record as read; nil when it could not be read (malformed).
    public var record: InputRecord?
    /// The typed update, or nil when the row is invalid.
    public var row: ValidatedRow?
    /// Why the row is invalid (empty when valid).
    public var issues: [InputIssue]
}

/// A duplicate found after the whole file was read: every occurrence becomes invalid.
public struct DuplicateRow: Sendable, Equatable {
    public var seq: Int
    public var issue: InputIssue
}

/// What validating a whole file found.
public struct ValidationReport: Sendable {
    /// Records read (valid + invalid).
    public var rows = 0
    public var valid = 0
    public var invalid = 0
    /// Every issue found, including those not kept.
    public var issueCount = 0
    /// The first issues in file order (at most the limit given), header issues first.
    public var issues: [InputIssue] = []
    /// Rows that were valid on their own but share an order id with another row.
    public var duplicates: [DuplicateRow] = []
    /// Problems with the columns (unknown or missing names).
    public var columnIssueCount = 0

    public var isClean: Bool { invalid == 0 && columnIssueCount == 0 }
}
