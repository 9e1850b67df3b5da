/// Before sending: may this update go to this order in its current state?
public enum PreflightResult: Sendable, Equatable {
    /// Send it.
    case proceed
    /// Not sent, by policy, and not a failure of the row's data (Juspay: the order has left
    /// NEW, a transaction has started). Recorded as `skipped` with the reason.
    case skip(reason: String)
    /// Not sent: the provider's rules refuse this update in the order's current state
    /// (Rapyd: `tax_percent` on a `paid` order). Recorded as `failed` with the reason.
    case reject(errorCode: String, reason: String)
    /// The status read failed; the outcome says whether to try again.
    case failed(Outcome)
}

/// After an unknown fate: is this update already in effect at the provider?
public enum Reconciliation: Sendable, Equatable {
    /// The order already shows the update (metadata equal, status reached, amount equal).
    case inEffect
    /// It does not: send again, with the same idempotency key.
    case notInEffect
    /// The read failed; the outcome says whether to try again.
    case failed(Outcome)
}

/// One provider's wire client: builds requests, sends them through an ``HTTPTransport``,
/// and classifies what comes back. One value per run; safe to call concurrently.
public protocol ProviderClient: Sendable {
    /// Reads the order's current status and applies the provider's status rules.
    func preflight(_ item: OutboundItem, timeoutMilliseconds: Int) async -> PreflightResult
    /// Sends the update once.
    func send(_ item: OutboundItem, timeoutMilliseconds: Int) async -> Outcome
    /// Reads the order back and tells whether `item`'s update is already in effect.
    func reconcile(_ item: OutboundItem, timeoutMilliseconds: Int) async -> Reconciliation
    /// The request `send` would make, as text for `--dry-run`: method, URL, headers with
    /// every credential masked, body.
    func describe(_ item: OutboundItem) -> String
    /// The status read `preflight` (and `reconcile`) would make, as text for `--dry-run`, credentials masked
    /// as in ``describe(_:)``.
    func describeStatusRead(_ item: OutboundItem) -> String
}

extension ProviderClient {
    /// A provider that cannot describe its status read says so (the dry run still counts it).
    public func describeStatusRead(_ item: OutboundItem) -> String {
        "(the status read of order \(item.orderID); this provider does not describe it)"
    }
}
