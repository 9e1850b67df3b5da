import Foundation
import ProviderRules

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
    /// The artificial latency added to every Juspay and Rapyd API response.
    public var latency: EmulatorLatency = .none
    /// The fraction (0...1) of Juspay and Rapyd API requests that get ``failWith`` instead of an answer.
    public var failRate: Double = 0
    /// The fault injected into the ``failRate`` fraction of requests.
    public var failWith: EmulatorFault = .http503
    /// The seed for fault and latency draws; the same seed gives the same sequence of draws.
    public var seed: UInt64 = 1
    /// Whether Rapyd's `idempotency` header replays the first response (see ``IdempotencyCache``).
    public var idempotency: Bool = true
    /// Whether Rapyd's WAF windows (200 per minute, 1000 per 5 minutes) are enforced.
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

/// The artificial latency model for provider API responses.
public enum EmulatorLatency: String, Sendable, CaseIterable, Codable {
    /// Respond as soon as the answer is computed.
    case none
    /// Draw each delay from Juspay's published Update Order latency percentiles (``LatencyModel/juspay``).
    case juspay

    /// The mean of the ``juspay`` distribution in milliseconds, computed from its percentile table.
    ///
    /// A benchmark compares throughput with `concurrency / mean latency`.
    public static var juspayMeanMilliseconds: Double { LatencyModel.juspay.meanMilliseconds }
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

/// The credentials the emulator accepts.
public struct EmulatorCredentials: Sendable {
    /// The Juspay API key expected as the Basic-auth user name (password empty).
    public var juspayAPIKey: String
    /// The required `x-merchantid`; `nil` accepts any non-empty value.
    public var juspayMerchantID: String?
    /// The Rapyd `access_key` header value.
    public var rapydAccessKey: String
    /// The Rapyd secret key used to check `signature`.
    public var rapydSecretKey: String

    /// The demo Juspay API key used when `JUSPAY_API_KEY` is unset.
    public static let demoJuspayAPIKey = JuspayCredentialRules.demoAPIKey
    /// The demo Rapyd access key used when `RAPYD_ACCESS_KEY` is unset.
    public static let demoRapydAccessKey = RapydCredentialRules.demoAccessKey
    /// The demo Rapyd secret key used when `RAPYD_SECRET_KEY` is unset.
    public static let demoRapydSecretKey = RapydCredentialRules.demoSecretKey

    /// Creates credentials from explicit values.
    public init(
        juspayAPIKey: String, juspayMerchantID: String? = nil, rapydAccessKey: String, rapydSecretKey: String
    ) {
        self.juspayAPIKey = juspayAPIKey
        self.juspayMerchantID = juspayMerchantID
        self.rapydAccessKey = rapydAccessKey
        self.rapydSecretKey = rapydSecretKey
    }

    /// Reads `JUSPAY_API_KEY`, `JUSPAY_MERCHANT_ID`, `RAPYD_ACCESS_KEY` and `RAPYD_SECRET_KEY`.
    ///
    /// Unset or empty variables fall back to the fixed demo values ``demoJuspayAPIKey``,
    /// ``demoRapydAccessKey`` and ``demoRapydSecretKey``; an unset merchant id accepts any.
    ///
    /// - Parameter env: The environment to read.
    /// - Returns: The credentials.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        func value(_ name: String) -> String? {
            guard let value = env[name], !value.isEmpty else { return nil }
            return value
        }
        return EmulatorCredentials(
            juspayAPIKey: value(JuspayCredentialRules.apiKeyVariable) ?? demoJuspayAPIKey,
            juspayMerchantID: value(JuspayCredentialRules.merchantIDVariable),
            rapydAccessKey: value(RapydCredentialRules.accessKeyVariable) ?? demoRapydAccessKey,
            rapydSecretKey: value(RapydCredentialRules.secretKeyVariable) ?? demoRapydSecretKey)
    }
}
