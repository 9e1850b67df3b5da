import ArgumentParser
import Dispatch
import Foundation
import OrderBatchCore
import OrderBatchEmulator

/// What `run`, `resume` and `retry` share: credentials, the provider client, the lease, the driver, the
/// summary and the exit code (signals and the metrics file belong to the ``RunInvocation``).
struct RunSession {
    /// Options that change how a run executes; recorded with the run so `resume` reuses them.
    struct Overrides: Codable {
        var concurrency: Int?
        var rate: String?
        var deadline: String?
        var maxFailures: String?
        var skipInvalid: Bool?
        var input: String?
    }

    var job: Job
    var overrides: Overrides
    var json: Bool

    /// Job settings after command-line overrides.
    func effectiveJob() throws -> Job {
        var job = self.job
        if let c = overrides.concurrency { job.concurrency = c }
        if let r = overrides.rate {
            if r == "none" || r == "off" {
                job.rateLimit = []
            } else {
                var windows: [RateWindow] = []
                for part in r.split(separator: ",") {
                    guard let w = RateWindow.parse(String(part)) else {
                        throw usage("--rate \(r): give requests per second (5) or windows such as 200/1m,1000/5m")
                    }
                    windows.append(w)
                }
                job.rateLimit = windows
            }
        }
        if let d = overrides.deadline, d == "none" || d == "off" {
            job.timeouts.run = nil
        } else if let d = overrides.deadline {
            guard let ms = DurationText.milliseconds(d) else { throw usage("--deadline \(d): give a duration such as 50m, or none") }
            job.timeouts.run = ms
        }
        if let m = overrides.maxFailures {
            guard let f = ExecutorPolicy.FailureLimit.parse(m) else { throw usage("--max-failures \(m): give a count (25) or a percentage (2%)") }
            job.maxFailures = f
        }
        return job
    }

    func usage(_ message: String) -> ExitCode {
        CommandSupport.printError("orderbatch: \(message)")
        return ExitCode(ExitStatus.usage.rawValue)
    }

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

    /// Takes the lease for the job and run, or exits 75 naming the holder.
    static func acquireLease(store: any RunStore, job: Job, runID: String) throws -> LeaseOwner {
        let owner = LeaseOwner.current()
        switch try store.acquireLease(jobName: job.name, runID: runID, owner: owner, ttlSeconds: job.leaseTTLSeconds) {
        case .acquired: return owner
        case .heldBy(let holder):
            CommandSupport.printError(
                "orderbatch: job \(job.name) is already being executed by \(holder); not starting a second process (exit 75)")
            throw ExitCode(ExitStatus.busy.rawValue)
        }
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

    /// Executes the run's claimable rows and reports; returns the exit status. The invocation's signal trap
    /// moves to ``SignalTrap/Phase/executing(resume:)``, then ``SignalTrap/Phase/finishing(_:)``; its metrics
    /// recorder follows the requests sent (the command writes the file on exit).
    func execute(store: any RunStore, runID: String, owner: LeaseOwner, invocation: RunInvocation) async throws -> ExitStatus {
        let job = try effectiveJob()
        defer { try? store.releaseLease(jobName: job.name, runID: runID, owner: owner) }
        let credentials = try Self.requireCredentials(for: job)
        let resume = RunInvocation.resumeCommand(runID: runID, db: job.state)
        let signals = invocation.signals
        signals.enter(.executing(resume: resume))
        if let name = signals.received {
            // A signal arrived after the rows were recorded and before anything was sent.
            try store.setRunState(id: runID, .stopped, reason: ExecutorStateMachine.StopReason.signal.description)
            CommandSupport.printError("orderbatch: \(name): run \(runID) stopped before sending anything; continue it: \(resume)")
            return .stoppedEarly
        }

        var emulator: EmbeddedEmulator?
        let baseURL: String
        if job.endpoint == .emulator {
            var config = EmbeddedEmulator.defaultConfiguration()
            let c = try Self.credentialsForEmulator(job: job)
            config.credentials.juspayAPIKey = c.juspay
            config.credentials.rapydAccessKey = c.rapydAccess
            config.credentials.rapydSecretKey = c.rapydSecret
            config.credentials.juspayMerchantID = job.merchantID
            Self.apply(job.emulator, to: &config)
            let e = try await EmbeddedEmulator.start(config)
            emulator = e
            baseURL = e.baseURL
            if !json { CommandSupport.printError("orderbatch: endpoint emulator: started the built-in emulator at \(e.baseURL)") }
        } else {
            baseURL = job.endpoint.baseURL(for: job.provider) ?? ""
        }
        // The lease was taken just now: the fence is open for a third of its TTL.
        let fence = LeaseFence(ttlSeconds: job.leaseTTLSeconds)
        let transport = CurlTransport(maxConcurrentTransfers: job.concurrency, startGate: { fence.allowsStart() })
        let client = Self.makeClient(job: job, credentials: credentials, baseURL: baseURL, transport: transport)

        try store.setRunState(id: runID, .running, reason: nil)
        let before = try store.counts(runID: runID)
        let settledBefore = before.succeeded + before.failed + before.skipped + before.invalid
        let progress = ProgressReporter()
        let total = before.total
        let metrics = invocation.metrics
        let driver = RunDriver(
            store: store, runID: runID, client: client, policy: ExecutorPolicy(job: job), stopFlag: signals.stop,
            onProgress: { c, t in
                metrics.record(c, elapsedSeconds: t)
                progress.update(ProgressSnapshot(
                    done: settledBefore + c.succeeded + c.failed + c.skipped, total: total, succeeded: c.succeeded,
                    failed: c.failed, skipped: c.skipped, unknown: c.unknown, inFlight: c.inFlight, retries: c.retries,
                    elapsedSeconds: t))
            },
            lease: RunDriver.RunLease(jobName: job.name, owner: owner, ttlSeconds: job.leaseTTLSeconds, fence: fence))
        let result: RunDriver.Result
        do {
            result = try await driver.execute(totalItems: total, failedSoFar: before.failed)
        } catch {
            await transport.shutdown()
            try? await emulator?.shutdown()
            return RunFailure(error: error, runID: runID, job: job).report(store: store)
        }
        metrics.record(result.counters, elapsedSeconds: result.elapsedSeconds)
        await transport.shutdown()
        try? await emulator?.shutdown()
        let counts = try store.counts(runID: runID)
        progress.finish(ProgressSnapshot(
            done: counts.succeeded + counts.failed + counts.skipped + counts.invalid, total: counts.total,
            succeeded: counts.succeeded, failed: counts.failed, skipped: counts.skipped, unknown: counts.unknown,
            inFlight: 0, retries: result.counters.retries, elapsedSeconds: result.elapsedSeconds))

        let status: ExitStatus
        let reason: String?
        if let stopReason = result.stopReason {
            status = .stoppedEarly
            reason = Self.explain(stopReason, job: job, runID: runID)
            try store.setRunState(id: runID, .stopped, reason: reason)
        } else if counts.pending + counts.inFlight + counts.unknown > 0 {
            status = .stoppedEarly
            reason = "\(counts.unknown) rows of unknown fate and \(counts.pending + counts.inFlight) pending; resume reconciles them"
            try store.setRunState(id: runID, .stopped, reason: reason)
        } else {
            status = counts.failed + counts.skipped + counts.invalid > 0 ? .rowsFailed : .success
            reason = nil
            try store.setRunState(id: runID, .finished, reason: nil)
        }
        signals.enter(.finishing(status))
        printSummary(runID: runID, job: job, counts: counts, result: result, status: status, reason: reason, db: job.state)
        if result.stopReason == .signal, let name = signals.received {
            CommandSupport.printError(
                "orderbatch: \(name): run \(runID) stopped with \(counts.remaining) rows left (\(counts.settled) of "
                    + "\(counts.total) done); continue it: \(resume)")
        }
        return status
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
