import Foundation

extension RunCoordinator {
    /// Executes the run's claimable rows, records its final state and returns its summary. The observer moves
    /// to ``RunPhase/executing(resume:)``, then ``RunPhase/finishing(_:)``, and follows the requests sent.
    ///
    /// - Parameters:
    ///   - store: The run's state database.
    ///   - runID: The run to execute.
    ///   - owner: The lease taken for the run; released when this returns or throws.
    ///   - recorded: The job as recorded, `state` the database's path; `overrides` are applied to it here.
    ///   - overrides: This invocation's options, applied to `recorded`.
    ///   - invocation: `run`, `resume` or `retry`: the summary of the last two adds the whole run's figures.
    /// - Returns: ``RunOutcome/executed(_:)`` with the run's summary: its final counts, the driver's result and
    ///   the exit status (``ExitStatus/success``, ``ExitStatus/rowsFailed`` when rows failed, were skipped or
    ///   invalid, ``ExitStatus/stoppedEarly`` when the driver stopped or rows are left), with the reason.
    /// - Throws: ``RunError``: 3 for a signal before anything was sent, and ``RunFailure``'s mapping of what
    ///   stopped the driver (3, 74, 75).
    public func execute(
        store: any RunStore, runID: String, owner: LeaseOwner, job recorded: Job, overrides: RunOverrides,
        invocation: String = "run"
    ) async throws -> RunOutcome {
        let job = try overrides.applied(to: recorded)
        defer { try? store.releaseLease(jobName: job.name, runID: runID, owner: owner) }
        let module = try self.module(for: job)
        let credentials = try requireCredentials(for: job, module: module)
        let resume = Self.resumeCommand(runID: runID, db: job.state)
        observer.enter(.executing(resume: resume))
        if let name = observer.signalReceived {
            // A signal arrived after the rows were recorded and before anything was sent.
            try store.setRunState(id: runID, .stopped, reason: ExecutorStateMachine.StopReason.signal.description)
            throw RunError.stoppedEarly(
                "orderbatch: \(name): run \(runID) stopped before sending anything; continue it: \(resume)")
        }

        let endpoint = try await resolveEndpoint(job, credentials)
        // The lease was taken just now: the fence is open for a third of its TTL.
        let fence = LeaseFence(ttlSeconds: job.leaseTTLSeconds)
        let transport = makeTransport(job, fence)
        let client = module.makeClient(
            job: job, credentials: credentials, baseURL: endpoint.baseURL, transport: transport.transport)

        let sharedRate: RunDriver.SharedRate?
        do {
            sharedRate = try self.sharedRate(
                store: store, job: job, runID: runID, credentials: credentials, baseURL: endpoint.baseURL)
        } catch {
            await transport.shutdown()
            await endpoint.shutdown()
            throw RunFailure(error: error, runID: runID, job: job).report(store: store)
        }
        defer { sharedRate?.source.close() }
        // A heartbeat before the run shows `running` (other workers join a running run): the lease may have been
        // taken a while ago, before the input was recorded.
        guard try store.renewLease(jobName: job.name, runID: runID, owner: owner) else {
            await transport.shutdown()
            await endpoint.shutdown()
            throw RunFailure(error: RunStoreError.leaseLost(runID: runID), runID: runID, job: job).report(store: store)
        }
        try store.setRunState(id: runID, .running, reason: nil)
        let before = try store.counts(runID: runID)
        let settledBefore = before.succeeded + before.failed + before.skipped + before.invalid
        let total = before.total
        let observer = self.observer
        let driver = RunDriver(
            store: store, runID: runID, client: client, policy: ExecutorPolicy(job: job), stopFlag: observer.stop,
            onProgress: { c, t in
                observer.sent(c, elapsedSeconds: t)
                observer.progress(
                    ProgressSnapshot(
                        done: settledBefore + c.succeeded + c.failed + c.skipped, total: total, succeeded: c.succeeded,
                        failed: c.failed, skipped: c.skipped, unknown: c.unknown, inFlight: c.inFlight,
                        retries: c.retries,
                        elapsedSeconds: t, doneBefore: settledBefore))
            },
            lease: RunDriver.RunLease(jobName: job.name, owner: owner, ttlSeconds: job.leaseTTLSeconds, fence: fence),
            sharedRate: sharedRate)
        var result: RunDriver.Result
        let sendingStartedAt = Date()
        do {
            result = try await driver.execute(totalItems: total, failedSoFar: before.failed)
            if store.supportsWorkers, result.stopReason == nil {
                result = try await finishBesideOtherWorkers(driver: driver, first: result, total: total)
            }
        } catch {
            await transport.shutdown()
            await endpoint.shutdown()
            throw RunFailure(error: error, runID: runID, job: job).report(store: store)
        }
        observer.sent(result.counters, elapsedSeconds: result.elapsedSeconds)
        await transport.shutdown()
        await endpoint.shutdown()
        let counts = try store.counts(runID: runID)
        observer.progressFinished(
            ProgressSnapshot(
                done: counts.succeeded + counts.failed + counts.skipped + counts.invalid, total: counts.total,
                succeeded: counts.succeeded, failed: counts.failed, skipped: counts.skipped, unknown: counts.unknown,
                inFlight: 0, retries: result.counters.retries, elapsedSeconds: result.elapsedSeconds,
                doneBefore: settledBefore))

        let status: ExitStatus
        let reason: String?
        // Other live workers go on with the run: it stays `running`, whichever way this one ends.
        let othersLive =
            try store.supportsWorkers && store.workers(runID: runID).contains { $0.isLive && $0.id != owner.token }
        if let stopReason = result.stopReason {
            status = .stoppedEarly
            reason = Self.explain(stopReason, job: job, module: module, runID: runID)
            if !othersLive { try store.setRunState(id: runID, .stopped, reason: reason) }
        } else if othersLive && counts.remaining > 0 {
            status = .stoppedEarly
            reason = "\(counts.remaining) rows left to the other workers of the run"
        } else if counts.pending + counts.inFlight + counts.unknown > 0 {
            status = .stoppedEarly
            reason =
                "\(counts.unknown) rows of unknown fate and \(counts.pending + counts.inFlight) pending; resume reconciles them"
            try store.setRunState(id: runID, .stopped, reason: reason)
        } else {
            status = counts.failed + counts.skipped + counts.invalid > 0 ? .rowsFailed : .success
            reason = nil
            try store.setRunState(id: runID, .finished, reason: nil)
        }
        observer.enter(.finishing(status))
        var signalNote: String?
        if result.stopReason == .signal, let name = observer.signalReceived {
            signalNote =
                "orderbatch: \(name): run \(runID) stopped with \(counts.remaining) rows left (\(counts.settled) of "
                + "\(counts.total) done); continue it: \(resume)"
        }
        return .executed(
            RunSummary(
                runID: runID, job: job, counts: counts, result: result, status: status, reason: reason,
                signalNote: signalNote, invocation: invocation,
                story: Self.story(
                    store: store, runID: runID, job: job, baseURL: endpoint.baseURL, since: sendingStartedAt,
                    result: result, settledNow: max(0, counts.settled - settledBefore), settledInAll: counts.settled,
                    wholeRun: invocation != "run")))
    }
}
