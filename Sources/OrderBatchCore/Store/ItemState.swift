/// Where one row stands. Stored as its raw value in `items.state`.
public enum ItemState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Waiting to be sent (never sent in this generation, or due again after a retryable outcome).
    case pending
    /// Claimed by the executor; a request may be on the wire. A row left here by a dead process becomes
    /// ``unknown`` on resume (``RunStore/recoverInterrupted(runID:)``).
    case inFlight = "in_flight"
    /// The provider applied the update.
    case succeeded
    /// The provider refused it for good, or it ran out of attempts or budget.
    case failed
    /// Not sent by policy (preflight found the order in a state where the update must not go).
    case skipped
    /// The input row did not validate; never sent and never retried.
    case invalid
    /// A request may have landed (timed out after sending, connection lost mid-response, process killed while
    /// in flight). Never reported as failed; reconciled against the provider before it is sent again.
    case unknown

    /// The row needs no more work in its generation.
    public var isSettled: Bool {
        switch self {
        case .succeeded, .failed, .skipped, .invalid: return true
        case .pending, .inFlight, .unknown: return false
        }
    }

    public var description: String { rawValue }
}
