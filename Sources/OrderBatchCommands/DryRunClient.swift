import OrderBatchCore

extension RunSession {
    /// A client that only describes requests: placeholder credentials, never sent.
    static func makeDryRunClient(job: Job, baseURL: String) -> any ProviderClient {
        let transport = NeverTransport()
        switch job.provider {
        case .juspay:
            return JuspayClient(
                configuration: .init(baseURL: baseURL, merchantID: job.merchantID ?? "", apiKey: Secret("dry-run")),
                transport: transport)
        case .rapyd:
            return RapydClient(
                configuration: .init(baseURL: baseURL, accessKey: Secret("dry-run"), secretKey: Secret("dry-run"), preflight: false),
                transport: transport)
        }
    }
}

/// The dry run's transport: refuses to send anything.
struct NeverTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        throw TransportError(kind: .other, detail: "dry run: nothing is sent", requestMayHaveBeenSent: false)
    }
}
