/// A provider's defaults from its published guidance, used where the job file is silent.
public struct ProviderDefaults: Sendable, Equatable {
    /// `concurrency`: requests in flight at most.
    public var concurrency: Int
    /// `rate_limit`: every window the provider enforces; empty for none.
    public var rateLimit: [RateWindow]
    /// `timeouts.request`, in milliseconds.
    public var requestTimeout: Int64
    /// `preflight`: read each order's status before updating it.
    public var preflight: Bool

    public init(concurrency: Int, rateLimit: [RateWindow], requestTimeout: Int64, preflight: Bool = true) {
        self.concurrency = concurrency
        self.rateLimit = rateLimit
        self.requestTimeout = requestTimeout
        self.preflight = preflight
    }
}
