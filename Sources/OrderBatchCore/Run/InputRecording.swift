import Foundation

/// Validating a run's input and recording its rows in the store: what `run` does before anything is sent,
/// and what `resume` does again for a run that was interrupted while recording (so nothing was sent).
public struct InputRecording {
    public var job: Job
    public var inputPath: String
    /// The input as messages name it (`<stdin>` for spooled standard input); ``inputPath`` by default.
    public var displayPath: String
    public var format: InputFormat
    public var skipInvalid: Bool
    /// When raised (a signal), reading stops between two records with ``StoppableRecordSource/Stopped``.
    public var stop: StopFlag? = nil

    public init(
        job: Job, inputPath: String, format: InputFormat, skipInvalid: Bool, stop: StopFlag? = nil,
        displayPath: String? = nil
    ) {
        self.job = job
        self.inputPath = inputPath
        self.displayPath = displayPath ?? inputPath
        self.format = format
        self.skipInvalid = skipInvalid
        self.stop = stop
    }

    /// The input file as a stream of records, stopping when ``stop`` is raised.
    private func makeSource() -> any RecordSource {
        let source = format.makeSource(path: inputPath)
        guard let stop else { return source }
        return StoppableRecordSource(base: source, stop: stop)
    }

    /// The validator for the job's provider, keeping the first 50 problems.
    public var validation: FileValidation {
        FileValidation(validator: job.provider.makeValidator(), columnsPerRecord: format == .jsonl, maxKeptIssues: 50)
    }

    /// Validates the whole file.
    ///
    /// - Throws: ``RunError`` with the problems and exit 2 (64 for an unreadable file) when it may not be
    ///   sent: any invalid row without `--skip-invalid`, or a column problem with it.
    public func validate() throws -> ValidationReport {
        let report: ValidationReport
        do {
            report = try validation.run(source: makeSource(), sourcePath: displayPath)
        } catch let error as InputError {
            throw RunError(error.exitStatus, "orderbatch: \(error); nothing was sent")
        }
        if !report.isClean && (!skipInvalid || report.columnIssueCount > 0) {
            var lines = report.issues.prefix(50).map { $0.formatted(path: displayPath) }
            if report.issueCount > min(50, report.issues.count) {
                lines.append(
                    "… and \(report.issueCount - min(50, report.issues.count)) more problems (orderbatch validate shows them all)"
                )
            }
            lines.append(
                "orderbatch: \(displayPath): \(report.invalid) of \(report.rows) rows are invalid; nothing was sent"
                    + (report.columnIssueCount > 0
                        ? " (fix the columns)" : " (fix them, or pass --skip-invalid to send the valid rows)"))
            throw RunError.invalidInput(lines.joined(separator: "\n"))
        }
        return report
    }

    /// Records every row of the validated file under `runID` (a run in ``RunState/ingesting`` with no rows),
    /// then marks the run ``RunState/ready``. `heartbeat` is called after each batch of rows (the caller renews
    /// its lease there, so that a long ingest does not look like a dead process).
    ///
    /// - Throws: ``StoppableRecordSource/Stopped`` when ``stop`` was raised: the rows of the batches already
    ///   committed stay, and the run stays ``RunState/ingesting``.
    public func record(
        store: some RunStore, runID: String, report: ValidationReport, heartbeat: @escaping () -> Void = {}
    ) throws {
        _ = try Ingest.run(
            store: store, runID: runID, source: makeSource(), sourcePath: displayPath,
            validation: validation, duplicates: report.duplicates, afterBatch: heartbeat)
        try store.setRunState(id: runID, .ready, reason: nil)
    }
}
