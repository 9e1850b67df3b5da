/// The first pass of ``FileValidation/run(source:sourcePath:findDuplicates:onRecord:)``: every
/// row checked once, in file order, whether it comes as a record or lent as bytes.
///
/// A struct reached through a pointer by both the record closure and ``ValidationPassTaker``
/// (as ``CSVRecordAssembler`` is by libcsv's callbacks): a class's stored properties cost a
/// dynamic exclusivity check on every access, several per row.
struct ValidationPass {
    let validator: any RowValidator
    let columnsPerRecord: Bool
    let maxKeptIssues: Int
    let sourcePath: String

    var report = ValidationReport()
    var index = DuplicateIndex()
    /// The first row issues (at most `maxKeptIssues`), and the header's.
    var keptRowIssues: [InputIssue] = []
    var headerIssues: [InputIssue] = []

    /// The rows counted so far, records and lent rows alike (the second pass counts the same way).
    private var seq = 0
    private var lastColumns: [String]? = nil
    private var lastColumnsBad = false
    /// For CSV: `validator` specialised for the current header, held by a class (see
    /// ``ValidatorHolder``) so that a record's check does not copy it.
    private var rowValidator: ValidatorHolder {
        didSet { unownedRowValidator = Unmanaged.passUnretained(rowValidator) }
    }
    /// `rowValidator` for the byte path, called without the retain and release that loading a
    /// class reference through the pass's pointer costs (``take(_:line:)``).
    private var unownedRowValidator: Unmanaged<ValidatorHolder>
    /// The header rows are lent under, until a row adopts it (as a first record would).
    private var lentHeader: [String]? = nil

    init(validator: any RowValidator, columnsPerRecord: Bool, maxKeptIssues: Int, sourcePath: String) {
        self.validator = validator
        self.columnsPerRecord = columnsPerRecord
        self.maxKeptIssues = maxKeptIssues
        self.sourcePath = sourcePath
        let holder = ValidatorHolder.holding(validator)
        rowValidator = holder
        unownedRowValidator = Unmanaged.passUnretained(holder)
    }

    private mutating func keep(_ issues: [InputIssue]) {
        report.issueCount += issues.count
        for issue in issues where keptRowIssues.count < maxKeptIssues { keptRowIssues.append(issue) }
    }

    /// Counts the next row; throws past the duplicate index's limit.
    private mutating func nextSeq() throws -> Int {
        seq += 1
        guard seq <= DuplicateIndex.maxRows else {
            throw InputError.tooManyRecords(path: sourcePath, limit: DuplicateIndex.maxRows)
        }
        return seq
    }

    /// Checks `columns` when they differ from the last record's (or for every JSONL record), and
    /// specialises the validator for a CSV header.
    private mutating func adopt(_ columns: [String], line: Int) {
        guard columns != lastColumns || columnsPerRecord else { return }
        if columns != lastColumns || !lastColumnsBad || columnsPerRecord {
            let issues = validator.columnIssues(columns, line: columnsPerRecord ? line : 1)
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
        lastColumns = columns
        if !columnsPerRecord {
            rowValidator = ValidatorHolder.holding(validator.specialized(forColumns: columns))
        }
    }

    /// One record or malformed record from the reader.
    mutating func accept(_ result: RecordResult, onRecord: ((ValidatedRecord) throws -> Void)?) throws {
        let seq = try nextSeq()
        report.rows += 1
        switch result {
        case .malformed(let issue):
            report.invalid += 1
            keep([issue])
            try onRecord?(ValidatedRecord(seq: seq, line: issue.line, record: nil, row: nil, issues: [issue]))
        case .record(let record):
            adopt(record.columns, line: record.line)
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
                try onRecord(ValidatedRecord(seq: seq, line: record.line, record: record, row: nil, issues: issues))
            }
        }
    }

    /// The header of the CSV rows about to be lent (``CSVRowTaker/lendsRows(under:)``).
    mutating func lendRows(under columns: [String]) {
        lentHeader = columns
    }

    /// A CSV row lent as bytes: counted as valid when the validator's byte path passes it; false
    /// (nothing counted) leaves the row to ``accept(_:onRecord:)`` as a record.
    @inline(__always)
    mutating func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool {
        if let header = lentHeader {
            lentHeader = nil
            adopt(header, line: line)
        }
        // `rowValidator` keeps the holder alive; nothing replaces it during the call.
        guard !lastColumnsBad,
            let fingerprint = unownedRowValidator._withUnsafeGuaranteedRef({ $0.check(lent: fields) })
        else { return false }
        let seq = try nextSeq()
        report.rows += 1
        report.valid += 1
        index.add(fingerprint: fingerprint, seq: seq)
        return true
    }
}

/// Lends CSV rows to a ``ValidationPass`` (``CSVRowTaker``), which outlives it.
final class ValidationPassTaker: CSVRowTaker {
    private let pass: UnsafeMutablePointer<ValidationPass>

    init(_ pass: UnsafeMutablePointer<ValidationPass>) { self.pass = pass }

    func lendsRows(under columns: [String]) -> Bool {
        pass.pointee.lendRows(under: columns)
        return true
    }

    func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool {
        try pass.pointee.take(fields, line: line)
    }
}
