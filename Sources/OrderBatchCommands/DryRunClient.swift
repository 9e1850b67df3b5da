import OrderBatchCore

extension RunSession {
    /// A client that only describes requests: placeholder credentials, never sent.
    static func makeDryRunClient(job: Job, baseURL: String) -> any ProviderClient {
        job.provider.module.makeClient(
            job: job, credentials: .placeholder("dry-run", for: job), baseURL: baseURL, transport: NeverTransport())
    }
}

/// The dry run's transport: refuses to send anything.
struct NeverTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        throw TransportError(kind: .other, detail: "dry run: nothing is sent", requestMayHaveBeenSent: false)
    }
}
