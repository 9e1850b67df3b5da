/// Reads a CSV report of `orderbatch report`, fixed up and fed back as input, with its cells as
/// they were before the report's formula guard.
///
/// `report` writes a cell a spreadsheet would run as a formula, and any cell starting with `'`,
/// with one more leading `'` (``CSVFormulaGuard``). Read back verbatim, an address line `-` would
/// be sent as `'-`. A file whose header holds ``ReportOutcomeColumns/state`` is such a report, and
/// each of its cells loses one leading `'` (``CSVFormulaGuard/restore(_:)``, exact by
/// construction); every other file is read as written.
public struct ReportCellRestorer: RecordSource {
    /// The CSV reader underneath.
    public var base: any RecordSource

    public init(base: any RecordSource) {
        self.base = base
    }

    public func forEachRecord(_ body: (RecordResult) throws -> Void) throws {
        try forEachRecord(lendingTo: nil, body)
    }

    /// Reads like ``forEachRecord(_:)``, lending the rows of a file that is not a report to
    /// `taker` (a report's cells are restored, so they are not the file's bytes).
    public func forEachRecord(lendingTo taker: (any CSVRowTaker)?, _ body: (RecordResult) throws -> Void) throws {
        var header: [String]? = nil
        var isReport = false
        try base.forEachRecord(lendingTo: taker.map(UnlessReport.init)) { result in
            // A `switch` lends the record to its case; a `guard case let` bound a copy (a
            // retain and a release of its arrays per row). Only a report's record is copied.
            switch result {
            case .malformed: try body(result)
            case .record(let record):
                // Records of one CSV file share their header's array: the comparison is O(1).
                if record.columns != header {
                    header = record.columns
                    isReport = record.columns.contains(ReportOutcomeColumns.state)
                }
                guard isReport else { return try body(result) }
                var restored = record
                for i in restored.values.indices {
                    if case .text(let cell) = restored.values[i], cell.utf8.first == UInt8(ascii: "'") {
                        restored.values[i] = .text(CSVFormulaGuard.restore(cell))
                    }
                }
                try body(.record(restored))
            }
        }
    }
}

/// Lends a file's rows to a taker unless the file is a report (``ReportCellRestorer``).
private final class UnlessReport: CSVRowTaker {
    let taker: any CSVRowTaker
    init(_ taker: any CSVRowTaker) { self.taker = taker }

    func lendsRows(under columns: [String]) -> Bool {
        !columns.contains(ReportOutcomeColumns.state) && taker.lendsRows(under: columns)
    }

    func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool {
        try taker.take(fields, line: line)
    }
}
