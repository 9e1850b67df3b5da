import ArgumentParser
import Dispatch
import Foundation
import OrderBatchCore
import OrderBatchEmulator

/// What `run`, `resume` and `retry` add to ``RunCoordinator`` (in Core, which owns the run's sequence and reads
/// the providers' credentials and builds their clients): the built-in emulator's settings and environment,
/// through ``RunSession/coordinator(invocation:json:)``.
struct RunSession {
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

    /// The environment the built-in emulator reads its credentials from: this process's, with the job
    /// provider's credentials (from the job's variables, or the demo values) under the emulator's names.
    static func environmentForEmulator(job: Job, credentials: ProviderCredentials) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(
            job.provider.module.emulatorEnvironment(job: job, credentials: credentials),
            uniquingKeysWith: { _, new in new })
    }
}
