import ArgumentParser
import Dispatch
import Foundation
import OrderBatchCore
import OrderBatchEmulator

/// What `run`, `resume` and `retry` know of the providers: credentials, the provider client, the policy, the
/// wording of a stop, the emulator's settings. The run's sequence is ``RunCoordinator``'s (in Core), which
/// gets these through ``RunSession/coordinator(invocation:json:)``.
struct RunSession {
    /// Credentials from the environment; for `endpoint: emulator` the emulator's documented demo
    /// values stand in for unset variables. Exit 64 when a real endpoint lacks one.
    static func credentials(for job: Job) throws(MissingCredential) -> ProviderCredentials {
        try ProviderCredentials.read(for: job, environment: ProcessInfo.processInfo.environment)
    }

    /// ``credentials(for:)``, or exit 64 naming the missing variable. Called before anything is
    /// recorded or started (emulator, transport), so a missing variable leaves nothing behind.
    static func requireCredentials(for job: Job) throws -> ProviderCredentials {
        do {
            return try credentials(for: job)
        } catch {
            throw RunError.usage(
                "orderbatch: \(error.name) is not set: export the \(job.provider.rawValue) credential in the environment (job \(job.path))"
            )
        }
    }

    static func makeClient(
        job: Job, credentials: ProviderCredentials, baseURL: String, transport: any HTTPTransport
    ) -> any ProviderClient {
        job.provider.module.makeClient(job: job, credentials: credentials, baseURL: baseURL, transport: transport)
    }

    /// The job's `emulator:` section onto the in-process emulator's configuration (values were
    /// checked by the job parser).
    static func apply(_ settings: Job.EmulatorSettings, to config: inout EmulatorConfiguration) {
        config.ordersFile = settings.orders
        config.latency = EmulatorLatency(rawValue: settings.latency) ?? .none
        config.failRate = settings.failRate
        switch settings.failWith {
        case "429": config.failWith = .http429
        case "reset": config.failWith = .reset
        case "hang": config.failWith = .hang
        default: config.failWith = .http503
        }
        config.seed = settings.seed
        config.rateLimits = settings.rateLimits
        config.idempotency = settings.idempotency
        config.unknownOrders = settings.unknownOrders == "not-found" ? .notFound : .create
        config.revokeCredentialsAfterUpdates = settings.revokeAfter
        config.garble = EmulatorGarble(rawValue: settings.garble) ?? .none
        config.padAnswersToBytes = settings.padMB << 20
    }

    /// The stop reason as the operator reads it: for refused credentials, the variables to check.
    static func explain(_ reason: ExecutorStateMachine.StopReason, job: Job, runID: String) -> String {
        guard case .runLevel(let condition, let last) = reason else { return reason.description }
        switch condition {
        case .credentialsRefused:
            return "\(job.provider.module.displayName) refused the credentials (\(last)): check "
                + "\(job.credentials.variables.joined(separator: " and ")), then `orderbatch resume \(runID)`"
        default:
            return "\(condition.summary) (\(last)): \(condition.remedy), then `orderbatch resume \(runID)`"
        }
    }

    /// The environment the built-in emulator reads its credentials from: this process's, with the job
    /// provider's credentials (from the job's variables, or the demo values) under the emulator's names.
    static func environmentForEmulator(job: Job, credentials: ProviderCredentials) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(
            job.provider.module.emulatorEnvironment(job: job, credentials: credentials),
            uniquingKeysWith: { _, new in new })
    }
}
