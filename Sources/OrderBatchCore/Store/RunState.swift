/// Where a whole run stands. Stored as its raw value in `runs.state`.
public enum RunState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The input is being read into the store; the total is not known yet. Nothing is sent in this state:
    /// a run left here by a killed process is recorded again from its input by `resume`.
    case ingesting
    /// Every row is stored; nothing sent yet.
    case ready
    /// A process is executing it (see the leases for which one).
    case running
    /// Stopped early and resumable; `stateReason` says why ("deadline", "signal SIGTERM", "circuit breaker").
    case stopped
    /// Every row reached a settled state.
    case finished
    /// Never started, and never will; nothing was sent. Either its input had invalid rows (exit code 2), or
    /// it was interrupted while ``ingesting`` and a later run of the job took the same input
    /// (`stateReason` says so).
    case failedIngest = "failed_ingest"
    /// Closed by an operator (`orderbatch cancel`) or superseded by a newer run of the job (`run --supersede`,
    /// `unfinished_runs: supersede`); `stateReason` says which. It sends nothing more: `resume` and `retry`
    /// refuse it. Its rows keep the states they had (rows a dead process left in flight became unknown).
    case canceled

    /// Whether the run can never send anything again (``finished`` can still be retried).
    public var isClosed: Bool { self == .failedIngest || self == .canceled }

    public var description: String { rawValue }
}
