/// Where a run stands at one moment, as the executor counts it.
public struct ProgressSnapshot: Sendable, Equatable {
    /// Rows finished (in any final state).
    public var done: Int
    /// Rows in the run.
    public var total: Int
    /// Rows that succeeded.
    public var succeeded: Int
    /// Rows that failed permanently.
    public var failed: Int
    /// Rows skipped (preflight said the update must not be sent).
    public var skipped: Int
    /// Rows whose request may or may not have landed.
    public var unknown: Int
    /// Requests in flight now.
    public var inFlight: Int
    /// Retries sent so far.
    public var retries: Int
    /// Seconds since this invocation started executing (a monotonic clock).
    public var elapsedSeconds: Double
    /// Rows of ``done`` that were settled before this invocation started (by an earlier `run`, `resume` or
    /// `retry`): rates count only this invocation's rows.
    public var doneBefore: Int

    /// Creates a snapshot; see the properties for each argument.
    public init(
        done: Int, total: Int, succeeded: Int = 0, failed: Int = 0, skipped: Int = 0, unknown: Int = 0,
        inFlight: Int = 0, retries: Int = 0, elapsedSeconds: Double, doneBefore: Int = 0
    ) {
        self.done = done
        self.total = total
        self.succeeded = succeeded
        self.failed = failed
        self.skipped = skipped
        self.unknown = unknown
        self.inFlight = inFlight
        self.retries = retries
        self.elapsedSeconds = elapsedSeconds
        self.doneBefore = doneBefore
    }

    /// Rows settled by this invocation.
    public var doneNow: Int { max(0, done - doneBefore) }
}
