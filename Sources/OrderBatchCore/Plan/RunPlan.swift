/// What a run of a validated input will send, and about how long it will take: `orderbatch plan`, and the
/// totals of `run --dry-run`.
///
/// Every row to send costs one update and, with `preflight: true`, one status read first; reconciliations
/// happen only after an update whose fate is unknown, so none is planned. Retries come on top, within
/// `retry.max_attempts` per row and `retry.budget` over the run (``RunEstimate/retryRequests``).
public struct RunPlan: Sendable {
    /// The job after command-line overrides.
    public var job: Job
    /// The input as the user named it.
    public var inputPath: String
    /// Rows in the input.
    public var rows: Int
    /// Rows that will be sent (valid, not duplicates).
    public var sendableRows: Int
    /// Rows that will be recorded as `invalid` and not sent (`--skip-invalid`).
    public var invalidRows: Int
    /// Status reads before the updates: one per row with preflight, else none.
    public var preflightReads: Int
    /// Updates: one per row.
    public var updates: Int
    /// The estimate of the duration.
    public var estimate: RunEstimate

    /// The plan for `report`'s valid rows under `job`.
    ///
    /// - Parameters:
    ///   - job: The job after overrides.
    ///   - inputPath: The input, for messages.
    ///   - report: The input's validation.
    public init(job: Job, inputPath: String, report: ValidationReport) {
        self.job = job
        self.inputPath = inputPath
        self.rows = report.rows
        self.sendableRows = report.valid
        self.invalidRows = report.invalid
        self.updates = report.valid
        self.preflightReads = job.preflight ? report.valid : 0
        self.estimate = RunEstimate(requests: updates + preflightReads, job: job)
    }

    /// First requests in all: status reads and updates.
    public var requests: Int { preflightReads + updates }

    /// First requests per row to send: 2 with preflight, else 1.
    public var requestsPerRow: Int { job.preflight ? 2 : 1 }

    /// The most requests one process spends on a row, as the executor caps them
    /// (``ExecutorPolicy/maxRequestsPerItem``): `retry.max_attempts` + 2, room for the preflight read and one
    /// reconciliation.
    public var maxRequestsPerRow: Int { job.retry.maxAttempts + 2 }
}
