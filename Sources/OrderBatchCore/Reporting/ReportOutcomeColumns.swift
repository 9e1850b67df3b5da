/// The names of the outcome columns a report appends after the input columns.
///
/// Every name starts with ``reportColumnPrefix`` (`ob_`), which validation ignores, so a
/// report of failed rows can be fixed up and fed straight back as input, and the names can
/// never collide with a provider's input columns. Input columns that already start with the
/// prefix (the outcome columns of an earlier report that was fed back as input) are left out
/// of a new report: they are stale, and the fresh outcome columns replace them.
public enum ReportOutcomeColumns {
    /// The physical input line (1-based) of the row.
    public static let inputLine = reportColumnPrefix + "input_line"
    /// The item's state.
    public static let state = reportColumnPrefix + "state"
    /// The last HTTP status; empty (CSV) or `null` (JSONL) when no answer was received.
    public static let httpStatus = reportColumnPrefix + "http_status"
    /// The provider's (or orderbatch's) error code; empty or `null` when none.
    public static let errorCode = reportColumnPrefix + "error_code"
    /// The error message; empty or `null` when none.
    public static let errorMessage = reportColumnPrefix + "error_message"
    /// How many requests were sent.
    public static let attempts = reportColumnPrefix + "attempts"

    /// All outcome columns, in the order they are written.
    public static let all = [inputLine, state, httpStatus, errorCode, errorMessage, attempts]

    /// Whether an input column is a stale outcome column and is left out of a report.
    public static func isOutcomeColumn(_ name: String) -> Bool { name.hasPrefix(reportColumnPrefix) }
}
