import Foundation
import OrderBatchCore
import OrderBatchEmulator

extension RunSession {
    /// The coordinator of one invocation of `run`, `resume` or `retry`: the standard providers with this
    /// process's environment, the built-in emulator for `endpoint: emulator` jobs, libcurl, and the invocation's
    /// signals, metrics and standard error.
    static func coordinator(invocation: RunInvocation, json: Bool) -> RunCoordinator {
        RunCoordinator(
            registry: .standard, environment: ProcessInfo.processInfo.environment,
            resolveEndpoint: { try await endpoint(for: $0, credentials: $1, json: json) },
            observer: InvocationObserver(invocation), quiet: json)
    }

    /// Where `job`'s requests go: for `endpoint: emulator`, an emulator started in this process with the
    /// job's credentials and `emulator:` settings (stopped when the run ends); else the job's endpoint.
    static func endpoint(for job: Job, credentials: ProviderCredentials, json: Bool) async throws -> RunEndpoint {
        guard job.endpoint == .emulator else { return .named(by: job) }
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
