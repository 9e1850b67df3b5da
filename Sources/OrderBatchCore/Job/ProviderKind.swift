/// The providers orderbatch speaks to.
public enum ProviderKind: String, Sendable, CaseIterable, Codable {
    case juspay
    case rapyd
}
