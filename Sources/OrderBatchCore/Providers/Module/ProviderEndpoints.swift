/// A provider's own hosts, as its documentation lists them.
public struct ProviderEndpoints: Sendable, Equatable {
    /// The base URL of `endpoint: sandbox`.
    public var sandbox: String
    /// The base URL of `endpoint: production`.
    public var production: String

    public init(sandbox: String, production: String) {
        self.sandbox = sandbox
        self.production = production
    }
}
