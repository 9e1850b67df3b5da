import Foundation
import OrderBatchCore
import OrderBatchEmulator

extension RunSession {
    /// The coordinator of one invocation of `run`, `resume` or `retry`: this layer's provider functions, the
    /// built-in emulator for `endpoint: emulator` jobs, libcurl, and the invocation's signals, metrics and
    /// standard error.
    static func coordinator(invocation: RunInvocation, json: Bool) -> RunCoordinator {
        let provider = RunCoordinator.Provider(
            checkCredentials: { _ = try requireCredentials(for: $0) },
            makeClient: { job, baseURL, transport in
                makeClient(
                    job: job, credentials: try requireCredentials(for: job), baseURL: baseURL, transport: transport)
            },
            policy: { ExecutorPolicy(job: $0) },
            explain: { explain($0, job: $1, runID: $2) })
        return RunCoordinator(
            provider: provider, resolveEndpoint: { try await endpoint(for: $0, json: json) },
            observer: InvocationObserver(invocation), quiet: json)
    }

    /// Where `job`'s requests go: for `endpoint: emulator`, an emulator started in this process with the
    /// job's credentials and `emulator:` settings (stopped when the run ends); else the job's endpoint.
    static func endpoint(for job: Job, json: Bool) async throws -> RunEndpoint {
        guard job.endpoint == .emulator else { return .named(by: job) }
        let credentials = try requireCredentials(for: job)
        var config = EmbeddedEmulator.defaultConfiguration(
            environment: Self.environmentForEmulator(job: job, credentials: credentials))
        Self.apply(job.emulator, to: &config)
        let emulator = try await EmbeddedEmulator.start(config)
        if !json {
            CommandSupport.printError(
                "orderbatch: endpoint emulator: started the built-in emulator at \(emulator.baseURL)", level: .info)
        }
        return RunEndpoint(baseURL: emulator.baseURL, shutdown: { try? await emulator.shutdown() })
    }
}
