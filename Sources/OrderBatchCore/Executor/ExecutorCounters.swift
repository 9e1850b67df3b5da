/// What the executor has done so far in this process: for the progress line, the summary and
/// the Prometheus counters.
///
/// Read it from ``ExecutorStateMachine/counters`` at any time.
public struct ExecutorCounters: Sendable, Equatable {
    /// Items whose first operation started.
    public var itemsStarted = 0
    /// Operations started, of every kind.
    public var operationsStarted = 0
    /// Sends started (first attempts and retries).
    public var sends = 0
    /// Preflight reads started.
    public var preflights = 0
    /// Reconciliation reads started.
    public var reconciles = 0
    /// Retries granted (each failed operation that will be tried again).
    public var retries = 0
    /// Items finished as succeeded (including those found already in effect).
    public var succeeded = 0
    /// Items finished as failed.
    public var failed = 0
    /// Items finished as skipped.
    public var skipped = 0
    /// Items finished as unknown (may have been applied; reconciled on resume).
    public var unknown = 0
    /// Items put back as pending (stop before they were done).
    public var pending = 0
    /// 429 responses seen.
    public var rateLimited = 0
    /// Seconds during which no request started because a 429 asked for a pause (`Retry-After`, capped),
    /// overlapping pauses counted once.
    public var rateLimitPauseSeconds = 0.0
    /// Times the circuit breaker stopped the run (0 or 1 per process).
    public var breakerTrips = 0
    /// Transport failures or 5xx responses in a row right now.
    public var consecutiveFailures = 0
    /// Requests per second currently allowed; nil while unlimited.
    public var allowedRate: Double?
    /// Operations in flight right now.
    public var inFlight = 0

    /// Creates zeroed counters.
    public init() {}

    /// Items finished in any final state (not counting those put back as pending).
    public var finished: Int { succeeded + failed + skipped + unknown }
}
