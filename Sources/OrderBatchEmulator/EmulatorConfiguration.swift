import Foundation

/// How an ``EmulatorServer`` behaves: where it listens, what it knows, and how it misbehaves.
///
/// Every field has a default, so a test changes only what it cares about:
///
/// ```swift
/// var configuration = EmulatorConfiguration()
/// configuration.failRate = 0.1
/// configuration.failWith = .reset
/// let server = try await EmulatorServer.start(configuration)
/// defer { Task { try await server.shutdown() } }
/// ```
public struct EmulatorConfiguration: Sendable {
    /// The address to bind.
    public var host: String = "127.0.0.1"
    /// The TCP port to bind; `0` picks a free port (read it back from ``EmulatorServer/port``).
    public var port: Int = 0
    /// A JSONL file of orders to load at start (see ``OrderSeed`` for the line format).
    public var ordersFile: String? = nil
    /// The artificial latency added to every provider API response.
    public var latency: EmulatorLatency = .none
    /// The fraction (0...1) of provider API requests that get ``failWith`` instead of an answer.
    public var failRate: Double = 0
    /// The fault injected into the ``failRate`` fraction of requests.
    public var failWith: EmulatorFault = .http503
    /// The seed for fault and latency draws; the same seed gives the same sequence of draws.
    public var seed: UInt64 = 1
    /// Whether a provider's idempotency header replays the first response (see ``IdempotencyCache``).
    public var idempotency: Bool = true
    /// Whether a provider's rate-limit windows are enforced.
    public var rateLimits: Bool = true
    /// What happens to a request for an order the emulator has never seen.
    public var unknownOrders: EmulatorUnknownOrders = .create
    /// The keys requests must be authenticated with.
    public var credentials: EmulatorCredentials = .fromEnvironment()
    /// Revoke ``credentials`` once this many updates have been applied: from then on every provider
    /// API request gets the provider's 401, as after a key is revoked. `nil` never; `0` from the start.
    /// `POST /__emulator/credentials/restore` accepts them again.
    public var revokeCredentialsAfterUpdates: Int? = nil
    /// Which 2xx answers are replaced by an unreadable body (a proxy mangling answers). A garbled
    /// update *is* applied first: its fate is unknown to the client, which must reconcile.
    public var garble: EmulatorGarble = .none
    /// Pad every provider API answer to this many bytes (0: no padding); see ``EmulatorPadding``.
    public var padAnswersToBytes: Int = 0
    /// Send padded answers with `Transfer-Encoding: chunked` instead of `Content-Length`, so a
    /// client cannot refuse them from their headers and must count the bytes as they come.
    public var padChunked: Bool = false

    /// A fixed latency that overrides ``latency``; tests use it to hold a request in flight.
    var fixedLatencyMilliseconds: Double? = nil

    /// Creates the default configuration: loopback, a free port, no faults, no latency.
    public init() {}
}

/// The artificial latency model for provider API responses: `none`, or a distribution a provider module
/// contributes (``EmulatorProviderModule/latencyModels``), by name.
public struct EmulatorLatency: RawRepresentable, Hashable, Sendable, CaseIterable, Codable {
    /// The model's name, as `--latency` and a job's `emulator: latency:` say it.
    public let rawValue: String
    /// The delays drawn, or `nil` for none.
    let distribution: LatencyModel?

    /// Respond as soon as the answer is computed.
    public static let none = EmulatorLatency(name: "none", distribution: nil)

    /// `none`, then every registered provider's models, in registration order.
    public static var allCases: [EmulatorLatency] { [.none] + EmulatorProviders.modules.flatMap(\.latencyModels) }

    /// A model a provider module contributes.
    init(name: String, distribution: LatencyModel?) {
        self.rawValue = name
        self.distribution = distribution
    }

    /// The model named `rawValue`, or `nil` when no provider contributes one of that name.
    public init?(rawValue: String) {
        guard let model = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = model
    }

    public static func == (a: EmulatorLatency, b: EmulatorLatency) -> Bool { a.rawValue == b.rawValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

/// The fault injected into a request chosen by ``EmulatorConfiguration/failRate``.
public enum EmulatorFault: String, Sendable, CaseIterable, Codable {
    /// HTTP 503 with the provider's error body.
    case http503
    /// HTTP 429 with `Retry-After: 1` and the provider's error body.
    case http429
    /// A TCP reset (`SO_LINGER` 0, then close) before anything is applied, with no response.
    case reset
    /// No response at all; the connection stays open until the client gives up.
    case hang
}

/// Which successful (2xx) provider answers the emulator garbles: still HTTP 200, but the body is the
/// first half of the real JSON, so no client can read it. Refusals (4xx, 5xx) are never garbled.
public enum EmulatorGarble: String, Sendable, CaseIterable, Codable {
    /// Every answer is sent as computed.
    case none
    /// Update answers (`POST`); the update is applied before its answer is garbled.
    case updates
    /// Status reads (`GET`); nothing is changed by a read.
    case reads
    /// Both updates and reads.
    case both

    /// Whether an answer to an update (`true`) or a read (`false`) is garbled.
    func covers(update: Bool) -> Bool {
        switch self {
        case .none: false
        case .updates: update
        case .reads: !update
        case .both: true
        }
    }
}

/// What the emulator does with an order id it has never seen.
public enum EmulatorUnknownOrders: String, Sendable, CaseIterable, Codable {
    /// Create the order on first use: Juspay in status `NEW`, Rapyd in status `created`.
    case create
    /// Answer with the provider's "not found" error (Juspay `RESOURCE_NOT_FOUND`, Rapyd `ERROR_GET_ORDER`).
    case notFound
}

/// The credentials the emulator accepts, by the environment variable each is read from (the variables the
/// client reads). Each provider's folder adds typed accessors (`juspayAPIKey`); routes read them there.
public struct EmulatorCredentials: Sendable {
    private var values: [String: String]

    /// Credentials from explicit values, by variable name; a variable not given reads as `nil`.
    public init(_ values: [String: String] = [:]) { self.values = values }

    /// The value read from `variable`, or `nil` when there is none.
    public subscript(variable: String) -> String? {
        get { values[variable] }
        set { values[variable] = newValue }
    }

    /// Reads every registered provider's credential variables (``EmulatorProviderInfo/credentials``, then its
    /// ``EmulatorProviderInfo/optionalCredentials``).
    ///
    /// Unset or empty variables fall back to each provider's fixed demo value; an unset optional one (a
    /// merchant id) stays unset, and then accepts any value.
    ///
    /// - Parameter env: The environment to read.
    /// - Returns: The credentials.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        func value(_ name: String) -> String? {
            guard let value = env[name], !value.isEmpty else { return nil }
            return value
        }
        var credentials = EmulatorCredentials()
        for info in EmulatorProviders.all {
            for (variable, demo) in info.credentials { credentials[variable] = value(variable) ?? demo }
            for variable in info.optionalCredentials { credentials[variable] = value(variable) }
        }
        return credentials
    }
}
