import Foundation
import OrderBatchEmulator
import Testing

@testable import OrderBatchCore

/// Credentials distinctive enough that finding them in any text is a real leak.
enum ProviderTestKeys {
    static let juspayAPIKey = "jp_LEAKCHECK_5f3a9"
    static let rapydAccessKey = "rak_LEAKCHECK_77c1"
    static let rapydSecretKey = "rsk_LEAKCHECK_e02b"
    /// Every credential and derived token that must never appear in an outcome or a description.
    static var forbidden: [String] {
        [
            juspayAPIKey, rapydAccessKey, rapydSecretKey,
            Data((juspayAPIKey + ":").utf8).base64EncodedString(),
        ]
    }

    static var emulatorCredentials: EmulatorCredentials {
        EmulatorCredentials([
            "JUSPAY_API_KEY": juspayAPIKey, "RAPYD_ACCESS_KEY": rapydAccessKey, "RAPYD_SECRET_KEY": rapydSecretKey,
        ])
    }
}

/// Records that `text` holds no credential.
func expectNoCredentials(_ text: String?, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let text else { return }
    for secret in ProviderTestKeys.forbidden {
        #expect(!text.contains(secret), "credential leaked into: \(text)", sourceLocation: sourceLocation)
    }
}

/// A transport at the adapter's boundary that answers from a script and records what it was asked.
/// Used only for pure request-building and classification tests; wire tests use ``CurlTransport``.
actor CannedTransport: HTTPTransport {
    private var script: [Result<HTTPResponse, TransportError>]
    private(set) var requests: [HTTPRequest] = []

    init(_ script: [Result<HTTPResponse, TransportError>]) { self.script = script }

    init(status: Int, body: String, headers: [(name: String, value: String)] = []) {
        self.init([
            .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8), latencyMilliseconds: 7))
        ])
    }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        requests.append(request)
        guard !script.isEmpty else {
            throw TransportError(
                kind: .other, detail: "CannedTransport: script exhausted", requestMayHaveBeenSent: false)
        }
        return try script.removeFirst().get()
    }
}

/// A transport that forwards to another and keeps every response, so a test can read the
/// emulator's echo of the adapter's request.
actor RecordingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private(set) var responses: [HTTPResponse] = []

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let response = try await inner.send(request)
        responses.append(response)
        return response
    }
}

/// The emulator's `/__emulator/echo/…` answer, read with the project's own JSON parser.
struct ProviderEcho {
    var method: String
    var path: String
    var headers: [(name: String, value: String)]
    var body: String

    init(_ response: HTTPResponse) throws {
        let json = try JSONValue.parse(bytes: response.body)
        method = json["method"]?.stringValue ?? ""
        path = json["path"]?.stringValue ?? ""
        var headers: [(name: String, value: String)] = []
        if case .array(let pairs)? = json["headers"] {
            for case .array(let pair) in pairs where pair.count == 2 {
                headers.append((pair[0].stringValue ?? "", pair[1].stringValue ?? ""))
            }
        }
        self.headers = headers
        body = String(decoding: Data(base64Encoded: json["body_base64"]?.stringValue ?? "") ?? Data(), as: UTF8.self)
    }

    func value(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// Starts an emulator with ``ProviderTestKeys`` and a ``CurlTransport``, runs `body`, and always
/// shuts both down.
func withProviderEmulator<T>(
    orders: [String] = [],
    _ configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: (EmulatorServer, CurlTransport) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration()
    configuration.credentials = ProviderTestKeys.emulatorCredentials
    var ordersFile: URL?
    if !orders.isEmpty {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "adapters-orders-\(UUID().uuidString).jsonl")
        try Data((orders.joined(separator: "\n") + "\n").utf8).write(to: url)
        configuration.ordersFile = url.path
        ordersFile = url
    }
    defer { if let ordersFile { try? FileManager.default.removeItem(at: ordersFile) } }
    configure(&configuration)
    let server = try await EmulatorServer.start(configuration)
    let transport = CurlTransport(maxConcurrentTransfers: 8, userAgent: "orderbatch-adapters-test/1")
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

/// Builds items from typed updates the way the store does (the typed update's JSON as payload).
enum ProviderItems {
    static func juspay(_ update: JuspayUpdate, seq: Int64 = 1, key: String = "k-1") throws -> OutboundItem {
        OutboundItem(
            seq: seq, orderID: update.orderID,
            payload: String(decoding: try JSONEncoder().encode(update), as: UTF8.self),
            idempotencyKey: key)
    }

    static func rapyd(_ update: RapydUpdate, seq: Int64 = 1, key: String = "k-1") throws -> OutboundItem {
        OutboundItem(
            seq: seq, orderID: update.orderID,
            payload: String(decoding: try JSONEncoder().encode(update), as: UTF8.self),
            idempotencyKey: key)
    }

    static func juspayClient(
        baseURL: String, transport: any HTTPTransport, preflight: Bool = true
    ) -> JuspayClient {
        JuspayClient(
            configuration: .init(
                baseURL: baseURL, merchantID: "merchant_1", apiKey: Secret(ProviderTestKeys.juspayAPIKey),
                preflight: preflight),
            transport: transport)
    }

    static func rapydClient(
        baseURL: String, transport: any HTTPTransport, preflight: Bool = true, idempotency: Bool = true
    ) -> RapydClient {
        RapydClient(
            configuration: .init(
                baseURL: baseURL, accessKey: Secret(ProviderTestKeys.rapydAccessKey),
                secretKey: Secret(ProviderTestKeys.rapydSecretKey), preflight: preflight,
                sendIdempotencyHeader: idempotency),
            transport: transport)
    }
}
