/// Streams a file through a provider's ``RowValidator``: every record checked, duplicates
/// found with a compact index (``DuplicateIndex``) and confirmed on a second pass, issues kept
/// up to a limit so memory stays flat however bad the file.
public struct FileValidation {
    public var validator: any RowValidator
    /// Issues kept for display; the rest are only counted.
    public var maxKeptIssues: Int
    /// True for JSONL, where every record names its own columns.
    public var columnsPerRecord: Bool

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
        var report = ValidationReport()
        var index = DuplicateIndex()
        var lastColumns: [String]? = nil
        // For CSV: `validator` specialised for the current header, held by a class (see
        // ``ValidatorHolder``) so that a record's check does not copy it.
        var rowValidator = ValidatorHolder.holding(validator)
        var lastColumnsBad = false
        var keptRowIssues: [InputIssue] = []
        var headerIssues: [InputIssue] = []
        var seq = 0

        func keep(_ issues: [InputIssue]) {
            report.issueCount += issues.count
            for issue in issues where keptRowIssues.count < maxKeptIssues { keptRowIssues.append(issue) }
        }

        try source.forEachRecord { result in
            seq += 1
            guard seq <= DuplicateIndex.maxRows else {
                throw InputError.tooManyRecords(path: sourcePath, limit: DuplicateIndex.maxRows)
            }
            report.rows += 1
            switch result {
            case .malformed(let issue):
                report.invalid += 1
                keep([issue])
                try onRecord?(ValidatedRecord(seq: seq, line: issue.line, record: nil, row: nil, issues: [issue]))
            case .record(let record):
                if record.columns != lastColumns || columnsPerRecord {
                    if record.columns != lastColumns || !lastColumnsBad || columnsPerRecord {
                        let issues = validator.columnIssues(
                            record.columns, line: columnsPerRecord ? record.line : 1)
                        lastColumnsBad = !issues.isEmpty
                        if !issues.isEmpty {
                            report.columnIssueCount += issues.count
                            if columnsPerRecord {
                                keep(issues)
                            } else {
                                report.issueCount += issues.count
                                headerIssues.append(contentsOf: issues)
                            }
                        }
                    }
                    lastColumns = record.columns
                    if !columnsPerRecord {
                        rowValidator = ValidatorHolder.holding(validator.specialized(forColumns: record.columns))
                    }
                }
                guard let onRecord else {
                    // Nothing is built from a valid row: its duplicate key's fingerprint is enough.
                    var check = rowValidator.check(record)
                    if lastColumnsBad, case .valid = check { check = .invalid([]) }
                    switch consume check {
                    case .valid(let fingerprint):
                        report.valid += 1
                        index.add(fingerprint: fingerprint, seq: seq)
                    case .invalid(let issues):
                        report.invalid += 1
                        keep(issues)
                    }
                    return
                }
                var verdict = rowValidator.validate(record)
                if lastColumnsBad, case .valid = verdict { verdict = .invalid([]) }
                switch consume verdict {
                case .valid(let row):
                    report.valid += 1
                    index.add(fingerprint: OrderFingerprint.of(row.duplicateKey), seq: seq)
                    try onRecord(ValidatedRecord(seq: seq, line: record.line, record: record, row: row, issues: []))
                case .invalid(let issues):
                    report.invalid += 1
                    keep(issues)
                    try onRecord(
                        ValidatedRecord(seq: seq, line: record.line, record: record, row: nil, issues: issues))
                }
            }
        }

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

/// A validator behind a class reference, for the per-record closure of ``FileValidation/run``.
///
/// The closure captures the current validator as a variable; called through that variable, the
/// `any RowValidator` was copied and destroyed for every record (a value-witness copy of the
/// validator and its column plan, about 8% of a 1M-row validation). ``holding(_:)`` opens the
/// existential once per header and keeps the concrete validator in a ``TypedValidatorHolder``,
/// so a record costs one class method call.
private class ValidatorHolder {
    /// `validator` behind a holder of its concrete type.
    static func holding(_ validator: any RowValidator) -> ValidatorHolder { typed(validator) }

    private static func typed<V: RowValidator>(_ validator: V) -> ValidatorHolder {
        TypedValidatorHolder(validator)
    }

    /// ``RowValidator/validate(_:)`` of the held validator.
    func validate(_ record: InputRecord) -> RowVerdict { fatalError("overridden") }
    /// ``RowValidator/check(_:)`` of the held validator.
    func check(_ record: InputRecord) -> RowCheck { fatalError("overridden") }
}

/// A ``ValidatorHolder`` holding a validator of type `V`.
private final class TypedValidatorHolder<V: RowValidator>: ValidatorHolder {
    let validator: V
    init(_ validator: V) { self.validator = validator }
    override func validate(_ record: InputRecord) -> RowVerdict { validator.validate(record) }
    override func check(_ record: InputRecord) -> RowCheck { validator.check(record) }
}
