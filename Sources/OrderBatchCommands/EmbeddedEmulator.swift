import Foundation
import OrderBatchEmulator

/// A provider emulator running inside this process, for `endpoint: emulator` jobs and for
/// `orderbatch emulator`.
///
/// ```swift
/// let emulator = try await EmbeddedEmulator.start()
/// // point the job's provider client at emulator.baseURL …
/// try await emulator.shutdown()
/// ```
///
/// ``start()`` listens on a free loopback port, accepts the credentials of the environment
/// (each registered provider's variables, demo values where unset; see
/// `EmulatorCredentials.fromEnvironment()`), so the client and the emulator agree without any
/// setup, and creates orders on first use (`unknownOrders: .create`), so any input file works.
/// Everything else is the emulator's default: no latency, no faults, idempotency and
/// rate-limit windows on. Always call ``shutdown()``.
public final class EmbeddedEmulator: Sendable {
    private let server: EmulatorServer

    /// `http://127.0.0.1:PORT`: the endpoint to send every provider's requests to.
    public var baseURL: String { server.baseURL }
    /// The port listened on.
    public var port: Int { server.port }

    private init(server: EmulatorServer) {
        self.server = server
    }

    /// The configuration ``start()`` uses: loopback, a free port, environment credentials,
    /// orders created on first use.
    ///
    /// - Parameter environment: Where the credentials are read from.
    /// - Returns: A configuration that binds `127.0.0.1` on a free port (port 0), accepts the credentials
    ///   found in `environment` and creates unknown orders; no faults, no latency.
    public static func defaultConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.unknownOrders = .create
        configuration.credentials = .fromEnvironment(environment)
        return configuration
    }

    /// Starts an emulator with ``defaultConfiguration(environment:)``.
    ///
    /// - Returns: The running emulator.
    /// - Throws: `EmulatorError`, or NIO's error when no port can be bound.
    public static func start() async throws -> EmbeddedEmulator {
        try await start(defaultConfiguration())
    }

    /// Starts an emulator with an explicit configuration.
    ///
    /// - Parameter configuration: Where to listen and how to behave.
    /// - Returns: The running emulator.
    /// - Throws: `EmulatorError` for a bad orders file or setting, or NIO's error when binding fails.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> EmbeddedEmulator {
        EmbeddedEmulator(server: try await EmulatorServer.start(configuration))
    }

    /// A snapshot of the emulator's counters (requests, applied updates, replays, …).
    public func stats() -> EmulatorStats { server.stats() }

    /// Stops listening, closes every connection and stops the emulator's threads.
    ///
    /// - Throws: NIO's error if its event loops fail to stop.
    public func shutdown() async throws {
        try await server.shutdown()
    }
}
