import ProviderRules

/// A Juspay job's own settings: `merchant_id` and `juspay: update_statuses`.
public struct JuspaySettings: ProviderJobSettings, Equatable {
    /// Juspay's `x-merchantid`.
    public var merchantID: String
    /// The order statuses that may be updated (default `NEW` only: Juspay advises against updating once
    /// a transaction has started).
    public var updateStatuses = JuspaySettings.defaultUpdateStatuses

    /// `update_statuses` when the job does not say: `NEW` only.
    public static let defaultUpdateStatuses = ["NEW"]

    public init(merchantID: String) { self.merchantID = merchantID }

    /// The statuses `update_statuses` may name.
    static let knownStatuses = JuspayOrderStatus.allCases.filter { $0 != .notFound }.map(\.rawValue)
}

extension Job {
    /// The job's Juspay settings; empty ones for a job of another provider.
    public var juspay: JuspaySettings { providerSettings.as(JuspaySettings.self) ?? JuspaySettings(merchantID: "") }
}
