/// Writes a run's attempts log (`orderbatch log`), one attempt per line, as CSV or JSONL.
///
/// Columns, in this order: `time` (the attempt's start, ISO 8601 UTC with milliseconds), `order_id`, `row`
/// (the row's number in the run, input order), `phase` (`preflight`, `update`, `reconcile`), `generation`
/// (1, then one more per `retry`), `attempt` (the update's number within its generation; 0 for status reads),
/// `latency_ms` (3 decimals; empty or null when no answer was timed), `http_status` (empty or null when no
/// answer came), `outcome` (`succeeded`, `retryable`, `permanent`, `unknown`, `skipped`, `rejected`,
/// `in_effect`, `not_in_effect`), `error_code`, `message` (the provider's or transport's words; never a
/// credential, which the store never holds).
///
/// CSV is RFC 4180 with a header and CRLF line ends, each cell through ``CSVFormulaGuard`` as in a report.
/// JSONL is one compact object per line with those members, numbers as numbers, missing values `null`.
public final class AttemptLogWriter {
    /// The column names, in order.
    public static let columns = [
        "time", "order_id", "row", "phase", "generation", "attempt", "latency_ms", "http_status", "outcome",
        "error_code", "message",
    ]

    private let format: ReportFormat
    private let output: FileDescriptorWriter
    private var headerWritten = false
    private var bytes: [UInt8] = []

    /// Creates a writer; nothing is written until ``write(_:)`` or ``finish()``.
    ///
    /// - Parameters:
    ///   - format: CSV or JSONL.
    ///   - output: Where the bytes go; flushed by ``finish()``, never closed.
    public init(format: ReportFormat, output: FileDescriptorWriter) {
        self.format = format
        self.output = output
    }

    /// Writes one attempt (after the header, for CSV).
    ///
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``.
    public func write(_ line: AttemptLogLine) throws(ReportingError) {
        try writeHeaderIfNeeded()
        bytes.removeAll(keepingCapacity: true)
        let record = line.record
        let phase = RunStory.phaseName(record.phase)
        let time = UTCTimestamp.milliseconds(record.startedAt)
        let latency = record.latencyMilliseconds.flatMap { JSONNumber(literal: Self.threeDecimals($0)) }
        switch format {
        case .csv:
            let cells = [
                time, line.orderID, String(line.seq), phase, String(line.generation), String(record.attempt),
                latency?.text ?? "", record.httpStatus.map { String($0) } ?? "", record.result.rawValue,
                record.errorCode ?? "", record.message ?? "",
            ]
            appendCSV(cells)
        case .jsonl:
            let object: JSONValue = .object([
                ("time", .string(time)), ("order_id", .string(line.orderID)), ("row", .integer(Int(line.seq))),
                ("phase", .string(phase)), ("generation", .integer(line.generation)),
                ("attempt", .integer(record.attempt)), ("latency_ms", latency.map(JSONValue.number) ?? .null),
                ("http_status", record.httpStatus.map { .integer($0) } ?? .null),
                ("outcome", .string(record.result.rawValue)),
                ("error_code", record.errorCode.map { .string($0) } ?? .null),
                ("message", record.message.map { .string($0) } ?? .null),
            ])
            bytes.append(contentsOf: object.compactText.utf8)
            bytes.append(0x0A)
        }
        try output.write(bytes)
    }

    /// Writes the CSV header if no attempt was written, then flushes.
    ///
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``.
    public func finish() throws(ReportingError) {
        try writeHeaderIfNeeded()
        try output.flush()
    }

    private func writeHeaderIfNeeded() throws(ReportingError) {
        guard format == .csv, !headerWritten else { return }
        headerWritten = true
        bytes.removeAll(keepingCapacity: true)
        appendCSV(Self.columns)
        try output.write(bytes)
    }

    private func appendCSV(_ cells: [String]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVFieldQuoting.append(CSVFormulaGuard.neutralise(cell), to: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// `12.345` (no exponent, whatever the value).
    static func threeDecimals(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e12 else { return "0" }
        let thousandths = Int((value * 1000).rounded())
        let fraction = thousandths % 1000
        return "\(thousandths / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }
}
