/// Counters an ``EmulatorServer`` keeps; read them with ``EmulatorServer/stats()`` or `GET /__emulator/stats`.
///
/// Requests to `/__emulator/` routes are not counted, except in ``delayRequests``.
/// `POST /__emulator/reset-stats` zeroes every counter but keeps orders, idempotency keys
/// and rate-limit windows.
public struct EmulatorStats: Sendable, Codable, Equatable {
    /// Requests received outside `/__emulator/`, including refused, fault-injected and unrouted ones.
    public var requests = 0
    /// ``requests`` that arrived in the last 60 s (when the stats were read).
    public var requestsLastMinute = 0
    /// The most ``requests`` that arrived within any rolling 60 s since the counters were zeroed: what a
    /// provider counting per rolling minute would have seen at worst (a client's rate limit, checked).
    public var mostRequestsInAMinute = 0
    /// ``requests`` by route, e.g. `"POST /orders/{order_id}"`, `"GET /v1/orders/{order}"`, `"other"`.
    public var requestsByRoute: [String: Int] = [:]
    /// Updates applied to an order (a Rapyd idempotent replay applies nothing).
    public var appliedTotal = 0
    /// ``appliedTotal`` by order id (Juspay `order_id` or Rapyd `order_…` id).
    public var appliedByOrder: [String: Int] = [:]
    /// Rapyd requests answered by replaying the first response for their `idempotency` key.
    public var idempotentReplays = 0
    /// Rapyd requests refused because their `idempotency` key came first with a different body.
    public var idempotencyConflicts = 0
    /// Rapyd requests whose `idempotency` key came first with a different body, counted whether or not
    /// ``EmulatorConfiguration/idempotency`` is on. A correct client never does this.
    public var keysReusedWithDifferentBody = 0
    /// Rapyd requests refused because `signature` did not match.
    public var rejectedSignatures = 0
    /// Requests refused for missing or wrong credentials (Juspay 401; Rapyd missing headers or wrong access key).
    public var rejectedAuth = 0
    /// Rapyd requests refused because `timestamp` was more than 60 s old or in the future.
    public var rejectedTimestamps = 0
    /// Rapyd requests refused with 429 by the WAF windows.
    public var rateLimited = 0
    /// Requests that got an injected fault instead of an answer.
    public var faultsInjected = 0
    /// Updates refused by an order-status rule (Juspay `INVALID_ACTION`; Rapyd field or transition not allowed).
    public var statusRuleRejections = 0
    /// Juspay updates refused with `DUPLICATE_REQUEST` because another update of the order was in flight.
    public var duplicateRequests = 0
    /// Provider API requests refused with 401 because the credentials were revoked
    /// (``EmulatorConfiguration/revokeCredentialsAfterUpdates``, `POST /__emulator/credentials/revoke`);
    /// not counted in ``rejectedAuth``.
    public var revokedRefusals = 0
    /// Update answers sent as 200 with an unreadable body; each of those updates was applied.
    public var garbledUpdates = 0
    /// Status-read answers sent as 200 with an unreadable body.
    public var garbledReads = 0
    /// Provider API answers padded to ``EmulatorConfiguration/padAnswersToBytes``.
    public var paddedAnswers = 0
    /// Padding bytes actually written to sockets. Far fewer than `paddedAnswers` times the padded
    /// size means clients stopped reading early (and closed the connection).
    public var paddingBytesSent = 0
    /// `GET /__emulator/delay/{ms}` requests received: tests wait on it to know that a slow exchange
    /// has reached the server, rather than sleeping and hoping.
    public var delayRequests = 0

    /// Creates zeroed counters.
    public init() {}

    mutating func countApplied(orderID: String) {
        appliedTotal += 1
        appliedByOrder[orderID, default: 0] += 1
    }
}
