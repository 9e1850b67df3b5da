/// What the emulator says about one provider it serves: its routes, its credentials and its switches,
/// for the `orderbatch emulator` help and listening line.
public struct EmulatorProviderInfo: Sendable {
    /// The provider's name, as a job file's `provider:` says it: `juspay`.
    public var name: String
    /// The provider's name in sentences: `Juspay`.
    public var displayName: String
    /// The order route, for the listening line: `/orders/{id}`.
    public var orderRoute: String
    /// The variables the emulator reads its credentials from, each with its demo value.
    public var credentials: [(variable: String, demo: String)]
    /// Variables read only when set (a merchant id), with no demo value.
    public var optionalCredentials: [String]
    /// More about credentials, one sentence, or nil.
    public var credentialNote: String?

    /// What the emulator says about a provider.
    public init(
        name: String, displayName: String, orderRoute: String, credentials: [(variable: String, demo: String)],
        optionalCredentials: [String] = [], credentialNote: String? = nil
    ) {
        self.name = name
        self.displayName = displayName
        self.orderRoute = orderRoute
        self.credentials = credentials
        self.optionalCredentials = optionalCredentials
        self.credentialNote = credentialNote
    }
}

/// The providers the emulator serves, in order: the emulator's registration list.
public enum EmulatorProviders {
    /// Every provider the emulator serves, in order. Adding one is a folder under `Providers/` and one line here.
    static let modules: [any EmulatorProviderModule] = [
        JuspayEmulator(),
        RapydEmulator(),
    ]

    /// What the help says about each provider served, in order.
    public static var all: [EmulatorProviderInfo] { modules.map(\.info) }

    /// `Juspay and Rapyd`.
    public static var displayNames: String { sentenceList(all.map(\.displayName)) }

    /// `juspay: /orders/{id}, rapyd: /v1/orders/{id}`: the routes named by the listening line.
    public static var routeSummary: String { all.map { "\($0.name): \($0.orderRoute)" }.joined(separator: ", ") }

    /// Every credential variable the emulator reads, in order.
    public static var credentialVariables: [String] { all.flatMap { $0.credentials.map(\.variable) } }

    /// The help paragraph on credentials.
    public static var credentialsHelp: String {
        let variables = sentenceList(credentialVariables)
        let demos = sentenceList(all.flatMap { $0.credentials.map(\.demo) })
        let notes = all.compactMap(\.credentialNote).map { " " + $0 }.joined()
        return "Credentials: the emulator accepts the keys in \(variables) (the variables the client reads), "
            + "or the demo values \(demos) where they are unset.\(notes)"
    }

    /// Help for `--latency`.
    public static let latencyHelp = "Response latency: none, or drawn from Juspay's published percentiles."
    /// Help for `--idempotency`.
    public static let idempotencyHelp =
        "Whether Rapyd's idempotency header replays the first response (accounts differ)."
    /// Help for `--rate-limits`.
    public static let rateLimitsHelp = "Whether Rapyd's rate-limit windows (200/min, 1000/5 min) answer 429."

    /// `a`, `a and b`, `a, b and c` (or another conjunction: `a or b`).
    static func sentenceList(_ items: [String], conjunction: String = "and") -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + (items.last ?? "")
    }
}
