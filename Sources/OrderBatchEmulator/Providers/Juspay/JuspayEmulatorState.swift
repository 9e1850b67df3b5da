/// What the emulator remembers of Juspay: its orders, and the orders with an update in flight (between arrival
/// and its delayed response, when another update of the same order is refused with `DUPLICATE_REQUEST`).
final class JuspayEmulatorState: EmulatorProviderState, @unchecked Sendable {
    // @unchecked: touched only under the router's lock (``EmulatorState`` holds it).
    /// The orders, by `order_id`.
    var orders: [String: JuspayOrder] = [:]
    /// Order ids with an update in flight.
    var inFlight: Set<String> = []

    /// Everything stored, for `GET /__emulator/orders/juspay/{order_id}`.
    func dump(orderID: String) -> EmulatorJSON? { orders[orderID]?.dump }
}
