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
    static func credentials(for job: Job) throws -> (juspay: Secret, rapydAccess: Secret, rapydSecret: Secret) {
        let env = ProcessInfo.processInfo.environment
        func value(_ name: String, demo: String) throws -> Secret {
            if let v = env[name], !v.isEmpty { return Secret(v) }
            if job.endpoint == .emulator { return Secret(demo) }
            throw MissingCredential(name: name)
        }
        switch job.provider {
        case .juspay:
            return (try value(job.credentials.juspayAPIKey, demo: EmulatorCredentials.demoJuspayAPIKey), Secret(""), Secret(""))
        case .rapyd:
            return (
                Secret(""), try value(job.credentials.rapydAccessKey, demo: EmulatorCredentials.demoRapydAccessKey),
                try value(job.credentials.rapydSecretKey, demo: EmulatorCredentials.demoRapydSecretKey)
            )
        }
    }

    struct MissingCredential: Error { var name: String }

    /// ``credentials(for:)``, or exit 64 naming the missing variable. Called before anything is
    /// recorded or started (emulator, transport), so a missing variable leaves nothing behind.
    static func requireCredentials(for job: Job) throws -> (juspay: Secret, rapydAccess: Secret, rapydSecret: Secret) {
        do {
            return try credentials(for: job)
        } catch let e as MissingCredential {
            CommandSupport.printError(
                "orderbatch: \(e.name) is not set: export the \(job.provider.rawValue) credential in the environment (job \(job.path))")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }

    static func makeClient(
        job: Job, credentials c: (juspay: Secret, rapydAccess: Secret, rapydSecret: Secret), baseURL: String,
        transport: any HTTPTransport
    ) -> any ProviderClient {
        switch job.provider {
        case .juspay:
            return JuspayClient(
                configuration: .init(
                    baseURL: baseURL, merchantID: job.merchantID ?? "", apiKey: c.juspay, preflight: job.preflight,
                    updatableStatuses: Set(job.juspayUpdateStatuses)),
                transport: transport)
        case .rapyd:
            return RapydClient(
                configuration: .init(baseURL: baseURL, accessKey: c.rapydAccess, secretKey: c.rapydSecret, preflight: job.preflight),
                transport: transport)
        }
    }

    static func policy(for job: Job, deadlineFromNow: Bool = true) -> ExecutorPolicy {
        ExecutorPolicy(
            concurrency: job.concurrency,
            rateWindows: job.rateLimit.map { RateWindow(limit: $0.limit, seconds: $0.seconds) },
            requestTimeout: Double(job.timeouts.request) / 1000,
            itemBudget: Double(job.timeouts.item) / 1000,
            runDeadline: job.timeouts.run.map { Double($0) / 1000 },
            maxAttempts: job.retry.maxAttempts,
            backoffBase: Double(job.retry.backoffBase) / 1000,
            backoffMax: Double(job.retry.backoffMax) / 1000,
            retryBudget: .init(ratio: job.retry.budget),
            breaker: .init(consecutiveFailures: job.breaker.consecutiveFailures),
            maxFailures: job.maxFailures.map {
                switch $0 {
                case .count(let n): return .count(n)
                case .percent(let p): return .percent(p)
                }
            },
            preflight: job.preflight)
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
        let provider = job.provider.rawValue.prefix(1).uppercased() + job.provider.rawValue.dropFirst()
        switch condition {
        case .credentialsRefused:
            let names: [String] =
                job.provider == .juspay
                ? [job.credentials.juspayAPIKey] : [job.credentials.rapydAccessKey, job.credentials.rapydSecretKey]
            return "\(provider) refused the credentials (\(last)): check \(names.joined(separator: " and ")), "
                + "then `orderbatch resume \(runID)`"
        default:
            return "\(condition.summary) (\(last)): \(condition.remedy), then `orderbatch resume \(runID)`"
        }
    }

    static func credentialsForEmulator(job: Job) throws -> (juspay: String, rapydAccess: String, rapydSecret: String) {
        let env = ProcessInfo.processInfo.environment
        func v(_ name: String, _ demo: String) -> String { env[name].flatMap { $0.isEmpty ? nil : $0 } ?? demo }
        return (
            v(job.credentials.juspayAPIKey, EmulatorCredentials.demoJuspayAPIKey),
            v(job.credentials.rapydAccessKey, EmulatorCredentials.demoRapydAccessKey),
            v(job.credentials.rapydSecretKey, EmulatorCredentials.demoRapydSecretKey)
        )
    }
}
