import Foundation
import OrderBatchCore

/// A transport that answers as Juspay would (Order Status: `GET /orders/ID` → the order as JSON, status NEW;
/// Update Order: `POST /orders/ID` → the order with the amount sent), or fails as configured.
final class FakeJuspayTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: every field is touched under `lock`.
    enum Mode {
        /// Answer every request.
        case answer
        /// HTTP 503 to every request (the breaker's food).
        case unavailable
    }

    private let lock = NSLock()
    private var mode: Mode
    private var amounts: [String: String] = [:]
    private var requestCount = 0
    /// Orders whose update is refused with HTTP 400 (a permanent failure).
    private let refused: Set<String>
    /// Seconds each answer takes.
    private let delay: Double
    /// The API key every request must carry (`Authorization: Basic base64(key + ":")`), or nil for any.
    private let apiKey: String?

    init(_ mode: Mode = .answer, refusing refused: Set<String> = [], delay: Double = 0, apiKey: String? = nil) {
        self.mode = mode
        self.refused = refused
        self.delay = delay
        self.apiKey = apiKey
    }

    /// Switches how later requests are answered.
    func set(_ mode: Mode) { lock.withLock { self.mode = mode } }

    /// Requests received so far.
    var requests: Int { lock.withLock { requestCount } }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
        let orderID = request.url.split(separator: "/").last.map(String.init) ?? ""
        return lock.withLock {
            requestCount += 1
            if let apiKey,
                !request.headers.contains(where: {
                    $0.name.lowercased() == "authorization"
                        && $0.value == "Basic " + Data((apiKey + ":").utf8).base64EncodedString()
                })
            {
                return Self.response(
                    401, #"{"status":"error","error_code":"access_denied","error_message":"Invalid API key."}"#)
            }
            if case .unavailable = mode {
                return Self.response(503, #"{"status":"error","error_message":"unavailable"}"#)
            }
            if request.method == .post {
                guard !refused.contains(orderID) else {
                    return Self.response(
                        400, #"{"status":"Bad Request","error_code":"INVALID_REQUEST","error_message":"refused"}"#)
                }
                let body = String(decoding: request.body, as: UTF8.self)
                for pair in body.split(separator: "&") where pair.hasPrefix("amount=") {
                    amounts[orderID] = String(pair.dropFirst("amount=".count))
                }
            }
            let amount = amounts[orderID] ?? "1"
            return Self.response(200, #"{"order_id":"\#(orderID)","status":"NEW","amount":\#(amount)}"#)
        }
    }

    private static func response(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "application/json")], body: Array(body.utf8),
            latencyMilliseconds: 1)
    }
}
