import ProviderRules

/// A Rapyd order as the emulator stores it.
struct RapydOrder: Sendable {
    /// The order id (`order_…`).
    var id: String
    /// The amount as a JSON number.
    var amount: EmulatorJSON = .number("100")
    var currency = "USD"
    /// Replaced wholesale by an update that sends `metadata`.
    var metadata: EmulatorJSON = .object([])
    var status: RapydOrderStatus
    /// The tax percentage as sent (a JSON number), or `.null` when never set.
    var taxPercent: EmulatorJSON = .null
    /// The coupon id, or `nil`.
    var coupon: String?
    /// Unix seconds.
    var created: Int
    /// Unix seconds of the last update.
    var updated: Int
    /// Unix seconds at which each status was entered (0 = never), as Rapyd reports them.
    var statusTransitions: [RapydOrderStatus: Int] = [:]

    init(id: String, status: RapydOrderStatus, now: Double) {
        self.id = id
        self.status = status
        self.created = Int(now)
        self.updated = Int(now)
    }

    /// The order object as Update and Retrieve return it (shaped like rapyd-update-order.md's sample).
    ///
    /// Where Rapyd reports a coupon on an order is NOT CONFIRMED; the emulator echoes it as `coupon`.
    var json: EmulatorJSON {
        let transitions: [RapydOrderStatus] = [.canceled, .fulfilled, .paid, .returned, .pending, .partial]
        return .object([
            ("id", .string(id)),
            ("amount", amount),
            ("amount_returned", .number("0")),
            ("payment", .null),
            ("created", .number(String(created))),
            ("customer", .string("")),
            ("currency", .string(currency)),
            ("email", .string("")),
            ("external_coupon_code", .string("")),
            ("coupon", coupon.map(EmulatorJSON.string) ?? .null),
            ("items", .array([])),
            ("metadata", metadata),
            ("returns", .array([])),
            ("status", .string(status.rawValue)),
            (
                "status_transitions",
                .object(
                    transitions.map {
                        ($0.rawValue, .number(String(statusTransitions[$0] ?? 0)))
                    })
            ),
            ("updated", .number(String(updated))),
            ("upstream_id", .string("")),
            ("tax_percent", taxPercent),
        ])
    }
}
