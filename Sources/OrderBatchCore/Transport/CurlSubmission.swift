/// One request handed from a calling task to the transfer thread, with the continuation that
/// the thread resumes exactly once.
struct CurlSubmission: Sendable {
    /// Unique within one ``CurlTransport``; cancellation refers to it.
    var id: UInt64
    var request: HTTPRequest
    var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>

    /// Resumes the waiting task with `result`. Call exactly once.
    func finish(_ result: Result<HTTPResponse, TransportError>) {
        continuation.resume(returning: result)
    }
}
