/// Where a whole run stands. Stored as its raw value in `runs.state`.
public enum RunState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The input is being read into the store; the total is not known yet.
    case ingesting
    /// Every row is stored; nothing sent yet.
    case ready
    /// A process is executing it (see the leases for which one).
    case running
    /// Stopped early and resumable; `stateReason` says why ("deadline", "signal SIGTERM", "circuit breaker").
    case stopped
    /// Every row reached a settled state.
    case finished
    /// The input had invalid rows and nothing was sent (exit code 2).
    case failedIngest = "failed_ingest"

    public var description: String { rawValue }
}
