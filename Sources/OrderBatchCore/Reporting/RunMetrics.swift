/// The numbers of one finished (or stopped) run, for ``PrometheusMetrics``.
public struct RunMetrics: Sendable, Equatable {
    /// The item states always written, with 0 when no row is in them, so alerts such as
    /// `orderbatch_rows{state="failed"} > 0` always have a series to look at.
    public static let standardStates = ["pending", "in_flight", "succeeded", "failed", "skipped", "invalid", "unknown"]

    /// The job's name (label `job`). Note: Prometheus renames a target's own `job` label to
    /// `exported_job` when it scrapes node_exporter, unless `honor_labels` is set.
    public var job: String
    /// The provider (label `provider`): `juspay` or `rapyd`.
    public var provider: String
    /// The run id; written only on `orderbatch_last_run_info`, never on the counters, so each
    /// run does not start a new series for every metric.
    public var runID: String
    /// Row counts per state at the end of the run; missing standard states count 0.
    public var rowsByState: [String: Int]
    /// Requests sent, first attempts and retries together.
    public var attempts: Int
    /// Requests that were retries of an earlier attempt.
    public var retries: Int
    /// Responses that were HTTP 429 (rate limited).
    public var rateLimited: Int
    /// Wall-clock seconds from the start of execution to the end.
    public var durationSeconds: Double
    /// The process's exit code (0 all succeeded, 1 some failed, 2 invalid input, 3 stopped early, …).
    public var exitCode: Int32
    /// When the run ended, in seconds since the Unix epoch.
    public var finishedAt: Double

    /// Creates the metrics of one run; see the properties for each argument.
    public init(
        job: String, provider: String, runID: String, rowsByState: [String: Int], attempts: Int, retries: Int,
        rateLimited: Int, durationSeconds: Double, exitCode: Int32, finishedAt: Double
    ) {
        self.job = job
        self.provider = provider
        self.runID = runID
        self.rowsByState = rowsByState
        self.attempts = attempts
        self.retries = retries
        self.rateLimited = rateLimited
        self.durationSeconds = durationSeconds
        self.exitCode = exitCode
        self.finishedAt = finishedAt
    }
}
