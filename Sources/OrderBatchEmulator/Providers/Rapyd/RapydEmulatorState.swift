/// What the emulator remembers of Rapyd: its orders, the `idempotency` keys seen and the WAF windows.
final class RapydEmulatorState: EmulatorProviderState, @unchecked Sendable {
    // @unchecked: touched only under the router's lock (``EmulatorState`` holds it).
    /// The orders, by id (`order_…`).
    var orders: [String: RapydOrder] = [:]
    /// First responses by `idempotency` key, scoped per access key.
    var idempotency = IdempotencyCache()
    /// The WAF windows, per access key.
    var rateLimiter = RapydRateLimiter()

    /// Everything stored, for `GET /__emulator/orders/rapyd/{order}`: the order as Retrieve returns it, after
    /// `"provider":"rapyd"`.
    func dump(orderID: String) -> EmulatorJSON? {
        guard let order = orders[orderID] else { return nil }
        guard case .object(let members) = order.json else { return .object([("provider", .string("rapyd"))]) }
        return .object([("provider", .string("rapyd"))] + members)
    }
}
