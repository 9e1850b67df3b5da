/// Writes a run report, row by row, as CSV or JSONL.
///
/// Each row echoes the row's input columns, in input order, followed by the outcome columns
/// of ``ReportOutcomeColumns`` (`ob_input_line`, `ob_state`, `ob_http_status`,
/// `ob_error_code`, `ob_error_message`, `ob_attempts`). Validation ignores `ob_` columns, so
/// an operator can fix the failed rows of a report and feed the file straight back as input.
///
/// ```swift
/// let report = ReportWriter(format: .csv, inputColumns: ["order_id", "amount"], output: .standardOutput())
/// for row in rows { try report.write(row) }
/// try report.finish()
/// ```
///
/// **CSV** (RFC 4180): one header row, then one row per ``write(_:)``; CRLF line ends; fields
/// quoted only when they hold a comma, quote, CR or LF. Every cell goes through
/// ``CSVFormulaGuard/neutralise(_:)`` first, so `=cmd()` is written `'=cmd()` while `-5`
/// stays `-5`; ``CSVFormulaGuard/restore(_:)`` undoes it. Missing values (no HTTP status,
/// no error) are empty cells. JSON values from a JSONL input are written as their text: a
/// string as its contents, a number as its digits, `null` as an empty cell, `true`/`false`,
/// objects and arrays as compact JSON. The header is the `inputColumns` given up front, or
/// else the first row's columns; a later row with a column not in it throws
/// ``ReportingError/columnNotInHeader(column:line:)`` (pass the union of the keys up front for
/// JSONL inputs whose lines differ), and a row lacking a header column gets an empty cell.
///
/// **JSONL**: one compact JSON object per row, LF-terminated: the input members (CSV text as
/// strings, JSONL values restored as they were), then the outcome members, with `null` for a
/// missing status, code or message. No formula neutralisation: JSONL is not opened by
/// spreadsheets, and the values stay exact.
///
/// Input columns whose names start with `ob_` (outcome columns of an earlier report fed back
/// as input) are not echoed; the fresh outcome columns replace them.
public final class ReportWriter {
    /// The format written.
    public let format: ReportFormat
    private let output: FileDescriptorWriter
    private var header: [String]?
    private var headerIndex: [String: Int] = [:]
    private var headerWritten = false
    private var line: [UInt8] = []

    /// Creates a writer; nothing is written until the first ``write(_:)`` or ``finish()``.
    ///
    /// - Parameters:
    ///   - format: CSV or JSONL.
    ///   - inputColumns: The input column names in input order (the CSV header); `nil` takes
    ///     them from the first row. Only CSV uses them.
    ///   - output: Where the bytes go; the writer flushes but never closes it.
    public init(format: ReportFormat, inputColumns: [String]? = nil, output: FileDescriptorWriter) {
        self.format = format
        self.output = output
        if let inputColumns { setHeader(inputColumns) }
    }

    /// Writes one row (after the header, for CSV).
    ///
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``, or
    ///   ``ReportingError/columnNotInHeader(column:line:)`` for a CSV row with an unknown column.
    public func write(_ row: ReportRow) throws(ReportingError) {
        line.removeAll(keepingCapacity: true)
        switch format {
        case .csv:
            if header == nil { setHeader(row.columns.map(\.name)) }
            try writeHeaderIfNeeded()
            try encodeCSV(row)
        case .jsonl:
            encodeJSONL(row)
        }
        try output.write(line)
    }

    /// Writes the CSV header if no row was written, then flushes.
    ///
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``.
    public func finish() throws(ReportingError) {
        if format == .csv {
            if header == nil { setHeader([]) }
            try writeHeaderIfNeeded()
        }
        try output.flush()
    }

    // MARK: - CSV

    private func setHeader(_ columns: [String]) {
        let kept = columns.filter { !ReportOutcomeColumns.isOutcomeColumn($0) }
        header = kept
        headerIndex = [:]
        for (index, name) in kept.enumerated() where headerIndex[name] == nil { headerIndex[name] = index }
    }

    private func writeHeaderIfNeeded() throws(ReportingError) {
        guard !headerWritten, let header else { return }
        headerWritten = true
        var bytes: [UInt8] = []
        appendCSVRecord(header + ReportOutcomeColumns.all, to: &bytes)
        try output.write(bytes)
    }

    private func encodeCSV(_ row: ReportRow) throws(ReportingError) {
        var cells = [String](repeating: "", count: headerIndex.count)
        for column in row.columns where !ReportOutcomeColumns.isOutcomeColumn(column.name) {
            guard let index = headerIndex[column.name] else {
                throw .columnNotInHeader(column: column.name, line: row.line)
            }
            cells[index] = Self.csvText(column.value)
        }
        cells.append(String(row.line))
        cells.append(row.state)
        cells.append(row.httpStatus.map { String($0) } ?? "")
        cells.append(row.errorCode ?? "")
        cells.append(row.message ?? "")
        cells.append(String(row.attempts))
        appendCSVRecord(cells, to: &line)
    }

    private func appendCSVRecord(_ cells: [String], to bytes: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVFieldQuoting.append(CSVFormulaGuard.neutralise(cell), to: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// The text of one input value in a CSV cell (before neutralisation and quoting).
    static func csvText(_ value: CellValue) -> String {
        switch value {
        case let .text(text): return text
        case .json(.null): return ""
        case let .json(.string(text)): return text
        case let .json(.number(number)): return number.text
        case let .json(other): return other.compactText
        }
    }

    // MARK: - JSONL

    private func encodeJSONL(_ row: ReportRow) {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(row.columns.count + ReportOutcomeColumns.all.count)
        for column in row.columns where !ReportOutcomeColumns.isOutcomeColumn(column.name) {
            switch column.value {
            case let .text(text): members.append((column.name, .string(text)))
            case let .json(value): members.append((column.name, value))
            }
        }
        members.append((ReportOutcomeColumns.inputLine, .number(JSONNumber(row.line))))
        members.append((ReportOutcomeColumns.state, .string(row.state)))
        members.append((ReportOutcomeColumns.httpStatus, row.httpStatus.map { .number(JSONNumber($0)) } ?? .null))
        members.append((ReportOutcomeColumns.errorCode, row.errorCode.map { .string($0) } ?? .null))
        members.append((ReportOutcomeColumns.errorMessage, row.message.map { .string($0) } ?? .null))
        members.append((ReportOutcomeColumns.attempts, .number(JSONNumber(row.attempts))))
        line.append(contentsOf: JSONValue.object(members).compactText.utf8)
        line.append(0x0A)
    }
}
