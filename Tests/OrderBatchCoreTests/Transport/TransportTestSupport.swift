import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// Fixtures for the transport tests: an emulator on loopback and a transport, both always shut down.
enum TransportFixture {
    /// Starts an emulator (configured by `configure`) and a ``CurlTransport``, runs `body`, and
    /// shuts both down whether `body` throws or not.
    static func run<T>(
        maxConcurrentTransfers: Int = 16,
        _ configure: (inout EmulatorConfiguration) -> Void = { _ in },
        _ body: (EmulatorServer, CurlTransport) async throws -> T
    ) async throws -> T {
        var configuration = EmulatorConfiguration()
        configuration.credentials = EmulatorCredentials([
            "JUSPAY_API_KEY": "jp_test", "RAPYD_ACCESS_KEY": "rak_TEST", "RAPYD_SECRET_KEY": "rsk_TEST",
        ])
        configure(&configuration)
        let server = try await EmulatorServer.start(configuration)
        let transport = CurlTransport(maxConcurrentTransfers: maxConcurrentTransfers, userAgent: "orderbatch-test/1")
        do {
            let result = try await body(server, transport)
            await transport.shutdown()
            try await server.shutdown()
            return result
        } catch {
            await transport.shutdown()
            try? await server.shutdown()
            throw error
        }
    }

    /// Waits (up to 10 s) until the emulator has received `count` `/__emulator/delay/…` requests, so
    /// that a test knows a slow exchange is under way instead of sleeping and hoping.
    static func waitForDelayRequests(
        _ server: EmulatorServer, _ count: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        // A bound only on how long a broken transport is waited for, not a timing assertion: a loaded machine
        // running the whole suite in parallel has taken more than 10 s to deliver a loopback request.
        let deadline = ContinuousClock.now + .seconds(60)
        while server.stats().delayRequests < count {
            guard ContinuousClock.now < deadline else {
                Issue.record("the emulator never received \(count) delay requests", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Sends `request` and returns the transport error it must fail with.
    static func failure(
        _ transport: CurlTransport, _ request: HTTPRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> TransportError? {
        do {
            let response = try await transport.send(request)
            Issue.record("expected a transport error, got status \(response.status)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

/// The emulator's `/__emulator/echo/…` answer, parsed with Foundation.
struct EchoedRequest {
    var method: String
    var path: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(_ response: HTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            sourceLocation: sourceLocation)
        method = object["method"] as? String ?? ""
        path = object["path"] as? String ?? ""
        headers = (object["headers"] as? [[String]] ?? []).compactMap { pair in
            pair.count == 2 ? (name: pair[0], value: pair[1]) : nil
        }
        body = Array(Data(base64Encoded: object["body_base64"] as? String ?? "") ?? Data())
    }

    /// Every value of header `name` (case-insensitive), in received order.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}
