/// Rapyd order statuses and which fields Update Order may change in each.
///
/// Plain data from https://docs.rapyd.net/en/update-an-order.md and the order
/// finite-state diagram; shared by the client's validator and the emulator
/// because it is data, not code that could hide a bug in both at once.
public enum RapydOrderStatus: String, Sendable, CaseIterable, Codable {
    case created, pending, paid, canceled, partial, fulfilled, returned

    /// The fields Update Order may change while the order is in this status.
    public var updatableFields: Set<String> {
        switch self {
        case .created: return ["coupon", "metadata", "tax_percent"]
        case .pending, .paid, .fulfilled: return ["metadata", "status"]
        case .canceled, .partial, .returned: return []
        }
    }

    /// Every field that some status allows.
    public static let anyUpdatableField: Set<String> = ["coupon", "metadata", "tax_percent", "status"]
}
