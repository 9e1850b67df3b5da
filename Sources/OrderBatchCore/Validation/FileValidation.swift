/// Streams a file through a provider's ``RowValidator``: every record checked, duplicates
/// found with a compact index (``DuplicateIndex``) and confirmed on a second pass, issues kept
/// up to a limit so memory stays flat however bad the file.
public struct FileValidation {
    public var validator: any RowValidator
    /// Issues kept for display; the rest are only counted.
    public var maxKeptIssues: Int
    /// True for JSONL, where every record names its own columns.
    public var columnsPerRecord: Bool
    /// Whether a run without `onRecord` takes CSV rows as bytes (``CSVRowTaker``); tests turn it
    /// off to check that both ways give the same report.
    var lendsRows = true

    public init(validator: any RowValidator, columnsPerRecord: Bool, maxKeptIssues: Int = 1000) {
        self.validator = validator
        self.columnsPerRecord = columnsPerRecord
        self.maxKeptIssues = maxKeptIssues
    }

    /// Validates every record of `source`, calling `onRecord` for each in file order (for
    /// ingest), then confirms duplicate candidates by reading `source` a second time.
    ///
    /// - Throws: ``InputError`` when the file cannot be read on; errors from `onRecord`.
    public func run(
        source: any RecordSource, sourcePath: String, findDuplicates: Bool = true,
        onRecord: ((ValidatedRecord) throws -> Void)? = nil
    ) throws -> ValidationReport {
        var pass = ValidationPass(
            validator: validator, columnsPerRecord: columnsPerRecord, maxKeptIssues: maxKeptIssues,
            sourcePath: sourcePath)
        // `validate` keeps nothing of a valid row: CSV rows are lent as bytes and checked in place,
        // and only a row the byte path does not pass becomes a record (issue #12).
        let lends = onRecord == nil && !columnsPerRecord && lendsRows && validator.checksLentRows
        try withUnsafeMutablePointer(to: &pass) { passPointer in
            try source.forEachRecord(lendingTo: lends ? ValidationPassTaker(passPointer) : nil) { result in
                try passPointer.pointee.accept(result, onRecord: onRecord)
            }
        }
        var report = pass.report
        // Moved out, not copied: the index's buckets are its largest memory.
        var index = DuplicateIndex()
        swap(&index, &pass.index)
        var keptRowIssues = pass.keptRowIssues
        let headerIssues = pass.headerIssues

        let candidates = index.candidateSeqs()
        if findDuplicates && !candidates.isEmpty {
            report.duplicates = try confirmDuplicates(candidates, source: source)
            report.valid -= report.duplicates.count
            report.invalid += report.duplicates.count
            // The first pass kept the first problems by line, up to the cap; duplicates are found after it,
            // so they are merged in by line (not appended behind a full list) before the cap applies again.
            report.issueCount += report.duplicates.count
            keptRowIssues += report.duplicates.map(\.issue).sorted { $0.line < $1.line }.prefix(maxKeptIssues)
        }
        keptRowIssues.sort { $0.line < $1.line }
        keptRowIssues = Array(keptRowIssues.prefix(maxKeptIssues))
        report.issues = Array((headerIssues + keptRowIssues).prefix(max(maxKeptIssues, headerIssues.count)))
        return report
    }

    /// Second pass: compares the ids of the candidate rows themselves.
    private func confirmDuplicates(_ candidates: [Int], source: any RecordSource) throws -> [DuplicateRow] {
        var wanted = candidates[...]
        var byKey: [String: [(seq: Int, line: Int, orderID: String)]] = [:]
        var seq = 0
        try source.forEachRecord { result in
            seq += 1
            guard let next = wanted.first, next == seq else { return }
            wanted = wanted.dropFirst()
            if case .record(let record) = result, case .valid(let row) = validator.validate(record) {
                byKey[row.duplicateKey, default: []].append((seq, record.line, row.orderID))
            }
        }
        var out: [DuplicateRow] = []
        for (_, rows) in byKey where rows.count > 1 {
            let lines = rows.map { String($0.line) }
            let shown =
                lines.count > 6
                ? lines.prefix(6).joined(separator: ", ") + " and \(lines.count - 6) more"
                : lines.joined(separator: ", ")
            for r in rows {
                out.append(
                    DuplicateRow(
                        seq: r.seq,
                        issue: InputIssue(
                            line: r.line, column: "order_id",
                            message:
                                "order \(r.orderID) appears more than once in the file (lines \(shown)); keep one row per order"
                        )))
            }
        }
        return out.sorted { $0.seq < $1.seq }
    }
}
