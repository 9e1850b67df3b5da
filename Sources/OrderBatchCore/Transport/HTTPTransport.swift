/// Moves bytes: sends one request and returns its response. It decides nothing about
/// retries or outcomes; the provider adapters classify, the executor decides.
public protocol HTTPTransport: Sendable {
    /// Sends `request`. Cancelling the calling task aborts the exchange (`.cancelled`).
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}
