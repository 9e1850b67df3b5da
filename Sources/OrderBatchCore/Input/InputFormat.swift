/// The input file formats orderbatch reads.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Comma-separated values with a header row (RFC 4180), read by ``CSVReader``.
    case csv
    /// JSON Lines: one JSON object per line, read by ``JSONLReader``.
    case jsonl

    /// The format a file's extension names, case-insensitively: `.csv` → ``csv``;
    /// `.jsonl` and `.ndjson` → ``jsonl``.
    ///
    /// - Parameter path: A file path or name.
    /// - Returns: `nil` for any other extension, or none.
    public static func fromExtension(path: String) -> InputFormat? {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": return .csv
        case "jsonl", "ndjson": return .jsonl
        default: return nil
        }
    }

    /// A reader for the file at `path` in this format, with default limits.
    ///
    /// - Parameter path: The input file; it is opened only when the source is read.
    /// - Returns: A ``CSVReader`` or a ``JSONLReader``.
    public func makeSource(path: String) -> any RecordSource {
        switch self {
        // A fed-back report gets its formula-guarded cells back; other files are read as written.
        case .csv: return ReportCellRestorer(base: CSVReader(path: path))
        case .jsonl: return JSONLReader(path: path)
        }
    }
}
