/// Everything provider-specific on the emulator's side: what the help says about it, which requests are its
/// routes and how it answers them (credentials checked there), the bodies of its refusals and injected faults,
/// its state between requests and how an orders file seeds it.
///
/// A provider is one folder under `Providers/` holding a value of this protocol, listed once in
/// ``EmulatorProviders/modules``. The router, the faults, the latency, the padding and the stats are shared
/// and never name a provider.
///
/// ```swift
/// struct AcmeEmulator: EmulatorProviderModule {
///     let info = EmulatorProviderInfo(name: "acme", displayName: "Acme", orderRoute: "/acme/{id}", credentials: [])
///     func route(_ request: EmulatorRequest) -> EmulatorRoute? { … }
///     func serviceError(status: Int) -> EmulatorResponse { .json(status, .object([])) }
///     func revokedRefusal() -> EmulatorResponse { .json(401, .object([])) }
///     func makeState() -> any EmulatorProviderState { AcmeState() }
///     func seedOrder(…) throws(EmulatorError) { … }
/// }
/// ```
protocol EmulatorProviderModule: Sendable {
    /// The name, routes and credentials, for the help and the listening line.
    var info: EmulatorProviderInfo { get }

    /// The route serving `request`, or `nil` when none of this provider's does.
    func route(_ request: EmulatorRequest) -> EmulatorRoute?

    /// The answer to a request that no provider's route serves but that lies in this provider's space (a wrong
    /// path or method under its prefix), or `nil` to leave it to the next provider (and finally a plain 404).
    func unroutedResponse(_ request: EmulatorRequest) -> EmulatorResponse?

    /// The body of an injected 503 or 429 (the router adds `Retry-After: 1` to a 429).
    func serviceError(status: Int) -> EmulatorResponse

    /// The 401 sent while the credentials are revoked: exactly what the provider sends for a wrong key.
    func revokedRefusal() -> EmulatorResponse

    /// The latency models this provider contributes beside `none` (`juspay`: its published percentiles).
    var latencyModels: [EmulatorLatency] { get }

    /// A fresh, empty state (no orders) for one server.
    func makeState() -> any EmulatorProviderState

    /// Adds the order of one orders-file line (its `provider` is this one) to `state`.
    ///
    /// - Parameters:
    ///   - orderID: The line's non-empty `order_id`.
    ///   - members: Every key of the line, `provider` and `order_id` included.
    ///   - state: This provider's state, from ``makeState()``.
    ///   - now: Wall-clock seconds, the order's creation time.
    /// - Throws: ``EmulatorError`` naming the key or value refused (the caller adds file and line).
    func seedOrder(
        orderID: String, _ members: [(String, EmulatorJSON)], into state: any EmulatorProviderState, now: Double
    ) throws(EmulatorError)
}

extension EmulatorProviderModule {
    func unroutedResponse(_ request: EmulatorRequest) -> EmulatorResponse? { nil }
    var latencyModels: [EmulatorLatency] { [] }
}

/// What one provider keeps between requests (its orders, what is in flight, its caches).
///
/// A class, so that a request changes it in place; it is only ever touched under the router's one lock
/// (``EmulatorState`` holds it), in the same critical section that counts and revokes.
protocol EmulatorProviderState: AnyObject, Sendable {
    /// Everything stored about `orderID`, for `GET /__emulator/orders/{provider}/{order_id}`; `nil` when unknown.
    func dump(orderID: String) -> EmulatorJSON?
}

/// A request matched to one of a provider's routes.
struct EmulatorRoute: Sendable {
    /// The provider serving it: its refusals and faults shape the answer.
    var module: any EmulatorProviderModule
    /// The key in ``EmulatorStats/requestsByRoute``: `POST /orders/{order_id}`.
    var statsName: String
    /// Whether the route changes an order (an update) rather than reading it; garbling tells them apart.
    var isUpdate: Bool
    /// Answers the request (credentials checked first), with what to run once the answer is sent.
    var respond: @Sendable (EmulatorRequest, EmulatorRouter) -> (EmulatorResponse, (@Sendable () -> Void)?)

    /// A path segment percent-decoded (an order id), or `nil` when it is empty or does not decode.
    static func decoded(_ segment: Substring) -> String? {
        guard !segment.isEmpty else { return nil }
        return try? FormDecoding.percentDecode(segment.utf8, plusIsSpace: false)
    }

    /// The path's segments, split on `/` with empty ones kept (`/v1/orders/x` → `["", "v1", "orders", "x"]`).
    static func segments(_ request: EmulatorRequest) -> [Substring] {
        request.path.split(separator: "/", omittingEmptySubsequences: false)
    }
}
