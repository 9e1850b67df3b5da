/// One item the driver has claimed from the store and offers to the ``ExecutorStateMachine``.
public struct WorkItem: Sendable, Equatable, Hashable {
    /// The item's sequence number in the run (the store's key).
    public var seq: Int64
    /// The item's fate is unknown (its last request may have been applied): it is reconciled
    /// before anything is sent.
    public var needsReconcile: Bool
    /// Sends already made in this attempt generation by earlier processes; they count toward
    /// ``ExecutorPolicy/maxAttempts``, and an item already sent is not preflighted again.
    public var attemptsSoFar: Int

    /// Creates a work item.
    public init(seq: Int64, needsReconcile: Bool = false, attemptsSoFar: Int = 0) {
        self.seq = seq
        self.needsReconcile = needsReconcile
        self.attemptsSoFar = max(0, attemptsSoFar)
    }
}
