/// One stored row on its way to the provider: what the executor hands an adapter.
public struct OutboundItem: Sendable, Equatable {
    /// The row's position in the run (1-based, input order).
    public var seq: Int64
    public var orderID: String
    /// The provider's typed update, encoded as JSON text (`JuspayUpdate` / `RapydUpdate` Codable).
    public var payload: String
    /// Deterministic key for this row and attempt generation, recorded before the first send.
    public var idempotencyKey: String

    public init(seq: Int64, orderID: String, payload: String, idempotencyKey: String) {
        self.seq = seq
        self.orderID = orderID
        self.payload = payload
        self.idempotencyKey = idempotencyKey
    }
}
