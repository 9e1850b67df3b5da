/// Where a run's requests go: a base URL, and what to stop when the run ends (an in-process emulator).
public struct RunEndpoint: Sendable {
    /// `https://sandbox.juspay.in`, `http://127.0.0.1:PORT`, …
    public var baseURL: String
    /// Called once when the run has ended (stops an emulator started for it; nothing for a real endpoint).
    public var shutdown: @Sendable () async -> Void

    public init(baseURL: String, shutdown: @escaping @Sendable () async -> Void = {}) {
        self.baseURL = baseURL
        self.shutdown = shutdown
    }

    /// The job's endpoint as it names it (the empty string for `endpoint: emulator`, which only a resolver
    /// that starts an emulator can serve).
    public static func named(by job: Job) -> RunEndpoint {
        RunEndpoint(baseURL: job.endpoint.baseURL(for: job.provider) ?? "")
    }
}
