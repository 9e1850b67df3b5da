import Foundation

/// One row as the store holds it, for reports and `status`.
public struct StoredItem: Sendable, Equatable {
    public var seq: Int64
    /// The physical input line on which the row starts.
    public var line: Int
    /// Nil for an invalid row.
    public var orderID: String?
    /// The row's original columns as a JSON object text.
    public var inputJSON: String
    public var state: ItemState
    public var generation: Int
    /// Nil for an invalid row (it is never sent).
    public var idempotencyKey: String?
    /// Attempts made in the current generation.
    public var attempts: Int
    /// The last HTTP status seen.
    public var lastHTTPStatus: Int?
    /// The last provider or transport error code.
    public var errorCode: String?
    /// The last provider message, transport detail or skip reason.
    public var errorMessage: String?
    /// The validation errors of an invalid row.
    public var validationError: String?
    /// The last attempt's latency.
    public var latencyMilliseconds: Double?
    public var updatedAt: Date

    public init(
        seq: Int64, line: Int, orderID: String?, inputJSON: String, state: ItemState, generation: Int,
        idempotencyKey: String?, attempts: Int, lastHTTPStatus: Int?, errorCode: String?, errorMessage: String?,
        validationError: String?, latencyMilliseconds: Double?, updatedAt: Date
    ) {
        self.seq = seq
        self.line = line
        self.orderID = orderID
        self.inputJSON = inputJSON
        self.state = state
        self.generation = generation
        self.idempotencyKey = idempotencyKey
        self.attempts = attempts
        self.lastHTTPStatus = lastHTTPStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.validationError = validationError
        self.latencyMilliseconds = latencyMilliseconds
        self.updatedAt = updatedAt
    }
}
