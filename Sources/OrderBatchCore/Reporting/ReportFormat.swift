/// The file format of a run report (`orderbatch report --format csv|jsonl`).
public enum ReportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header row, CRLF line ends, spreadsheet formulas neutralised
    /// (see ``CSVFormulaGuard``).
    case csv
    /// One JSON object per line (LF), members in input order, then the outcome members.
    case jsonl
}
