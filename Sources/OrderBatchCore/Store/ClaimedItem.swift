/// A row the executor has claimed (now ``ItemState/inFlight`` in the store), with what it needs to send it.
public struct ClaimedItem: Sendable, Equatable {
    public var runID: String
    /// 1-based position in the run.
    public var seq: Int64
    /// The physical input line, for messages.
    public var line: Int
    public var orderID: String
    /// The provider's typed update as JSON text.
    public var payload: String
    /// The key recorded for this generation; send exactly this one.
    public var idempotencyKey: String
    /// The attempt generation (1, then one more per `retry`).
    public var generation: Int
    /// Attempts already made in this generation.
    public var attempts: Int
    /// True when the row was ``ItemState/unknown``: a request may have landed, so reconcile it with the
    /// provider before sending it again.
    public var needsReconcile: Bool

    public init(
        runID: String, seq: Int64, line: Int, orderID: String, payload: String, idempotencyKey: String,
        generation: Int, attempts: Int, needsReconcile: Bool
    ) {
        self.runID = runID
        self.seq = seq
        self.line = line
        self.orderID = orderID
        self.payload = payload
        self.idempotencyKey = idempotencyKey
        self.generation = generation
        self.attempts = attempts
        self.needsReconcile = needsReconcile
    }

    /// What a provider adapter is handed.
    public var outbound: OutboundItem {
        OutboundItem(seq: seq, orderID: orderID, payload: payload, idempotencyKey: idempotencyKey)
    }
}
