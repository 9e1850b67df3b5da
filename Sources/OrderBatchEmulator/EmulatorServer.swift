import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local HTTP server that behaves like the order-update APIs of the registered providers
/// (``EmulatorProviders/modules``; each provider's routes are in its folder under `Providers/`).
///
/// Test routes live under `/__emulator/`
/// (see `EmulatorRouter+Debug.swift`). One event loop group with one thread per core serves every
/// connection (HTTP/1.1, keep-alive, pipelining).
///
/// Always call ``shutdown()``:
///
/// ```swift
/// let server = try await EmulatorServer.start(EmulatorConfiguration())
/// // send requests to server.baseURL …
/// print(server.stats().appliedTotal)
/// try await server.shutdown()
/// ```
public final class EmulatorServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let router: EmulatorRouter
    private let isShutDown = LockedState(false)

    /// The TCP port the server listens on (the one picked when the configuration said `0`).
    public let port: Int

    /// `http://HOST:PORT`, for clients to append paths to.
    public var baseURL: String {
        let host = router.configuration.host
        return "http://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, router: EmulatorRouter, port: Int) {
        self.group = group
        self.channel = channel
        self.router = router
        self.port = port
    }

    deinit {
        assert(isShutDown.withLock { $0 }, "EmulatorServer released without shutdown()")
    }

    /// Loads the orders file, binds, and starts serving.
    ///
    /// - Parameter configuration: What to listen on and how to behave.
    /// - Returns: The running server.
    /// - Throws: ``EmulatorError`` for a bad orders file or configuration; NIO's error if binding fails.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> EmulatorServer {
        try await start(configuration, clock: { Date().timeIntervalSince1970 })
    }

    /// ``start(_:)`` with a replaceable clock (wall-clock seconds), for tests.
    static func start(
        _ configuration: EmulatorConfiguration, clock: @escaping @Sendable () -> Double
    ) async throws -> EmulatorServer {
        guard (0...1).contains(configuration.failRate) else {
            throw EmulatorError("failRate must be between 0 and 1, got \(configuration.failRate)")
        }
        guard (configuration.revokeCredentialsAfterUpdates ?? 0) >= 0 else {
            throw EmulatorError("revokeCredentialsAfterUpdates must not be negative")
        }
        guard (0...EmulatorRouter.maximumPaddedBytes).contains(configuration.padAnswersToBytes) else {
            throw EmulatorError(
                "padAnswersToBytes must be between 0 and \(EmulatorRouter.maximumPaddedBytes), got \(configuration.padAnswersToBytes)"
            )
        }
        guard (0...65535).contains(configuration.port) else {
            throw EmulatorError("port must be between 0 and 65535, got \(configuration.port)")
        }
        let orders =
            try configuration.ordersFile.map { path throws(EmulatorError) in
                try OrderSeed.load(path: path, now: clock())
            } ?? OrderBook()
        let router = EmulatorRouter(configuration: configuration, orders: orders, clock: clock)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(EmulatorHTTPHandler(router: router))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            guard let port = channel.localAddress?.port else {
                throw EmulatorError("the listening socket has no port")
            }
            return EmulatorServer(group: group, channel: channel, router: router, port: port)
        } catch let error as IOError {
            try? await group.shutdownGracefully()
            throw EmulatorError.cannotListen(host: configuration.host, port: configuration.port, errno: error.errnoCode)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// A snapshot of the counters.
    public func stats() -> EmulatorStats { router.stats() }

    /// Stops listening, closes every connection (including hung ones), and stops the event loops.
    ///
    /// - Throws: NIO's error if the event loops fail to stop.
    public func shutdown() async throws {
        let first = isShutDown.withLock { shutDown in
            defer { shutDown = true }
            return !shutDown
        }
        guard first else { return }
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}
