import Foundation
import OrderBatchCore

/// The ledger's wire client: `POST {base}/ledger/{book}/{order}` with a bearer token applies an update;
/// `GET` the same path reads how many times it was applied.
struct LedgerClient: ProviderClient {
    var baseURL: String
    var book: String
    var token: Secret
    var transport: any HTTPTransport

    private func request(_ method: HTTPRequest.Method, _ item: OutboundItem, timeoutMilliseconds: Int) -> HTTPRequest {
        HTTPRequest(
            method: method, url: "\(baseURL)/ledger/\(book)/\(item.orderID)",
            headers: [
                ("Authorization", "Bearer \(token.reveal())"), ("Idempotency-Key", item.idempotencyKey),
                ("Content-Type", "application/json"),
            ],
            body: method == .post ? Array(item.payload.utf8) : [], timeoutMilliseconds: timeoutMilliseconds)
    }

    func preflight(_ item: OutboundItem, timeoutMilliseconds: Int) async -> PreflightResult { .proceed }

    func send(_ item: OutboundItem, timeoutMilliseconds: Int) async -> Outcome {
        do {
            let response = try await transport.send(request(.post, item, timeoutMilliseconds: timeoutMilliseconds))
            let latency = response.latencyMilliseconds
            switch response.status {
            case 200: return Outcome(kind: .succeeded, httpStatus: 200, latencyMilliseconds: latency)
            case 500...:
                return Outcome(
                    kind: .retryable(retryAfterSeconds: nil), httpStatus: response.status,
                    latencyMilliseconds: latency, mayHaveBeenApplied: true)
            default:
                return Outcome(
                    kind: .permanent, httpStatus: response.status, errorCode: "REFUSED",
                    message: String(decoding: response.body, as: UTF8.self), latencyMilliseconds: latency)
            }
        } catch {
            return Outcome(
                kind: .retryable(retryAfterSeconds: nil), errorCode: "TRANSPORT", message: error.detail,
                mayHaveBeenApplied: error.requestMayHaveBeenSent)
        }
    }

    func reconcile(_ item: OutboundItem, timeoutMilliseconds: Int) async -> Reconciliation {
        do {
            let response = try await transport.send(request(.get, item, timeoutMilliseconds: timeoutMilliseconds))
            guard response.status == 200 else {
                return .failed(Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: response.status))
            }
            return String(decoding: response.body, as: UTF8.self).contains(#""applied":0"#) ? .notInEffect : .inEffect
        } catch {
            return .failed(Outcome(kind: .retryable(retryAfterSeconds: nil), message: error.detail))
        }
    }

    func describe(_ item: OutboundItem) -> String {
        "POST \(baseURL)/ledger/\(book)/\(item.orderID)\nAuthorization: Bearer ***\n\n\(item.payload)"
    }
}
