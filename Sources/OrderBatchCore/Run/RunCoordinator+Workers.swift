import Foundation

extension RunCoordinator {
    /// `work`: joins a run as one more worker, from any host, beside the workers already on it (PostgreSQL).
    ///
    /// Refused like `resume` for a run that is canceled or never started (exit 2); a run still recording its
    /// input is `run`'s or `resume`'s (exit 75 while its process lives, else 3 pointing at `resume`); a live
    /// process on another run of the job refuses it (75). Then it claims rows like any worker and ends when no
    /// row of the run is left to claim and no live worker holds one.
    ///
    /// - Throws: ``RunError``: 2 for a canceled or `failed_ingest` run, 3 for a run left `ingesting`, 64 for a
    ///   SQLite database (one process per run), 75 for a held lease, and what
    ///   ``execute(store:runID:owner:job:overrides:)`` throws.
    public func work(_ stored: StoredRun) async throws -> RunOutcome {
        let (store, run, db) = (stored.store, stored.run, stored.db)
        observer.concern(job: stored.job)
        observer.concern(runID: run.id, store: store)
        guard store.supportsWorkers else {
            throw RunError.usage(
                "orderbatch: \(db) is a SQLite file, which one process works on at a time; use "
                    + "`orderbatch resume \(ShellWord.quote(run.id)) --db \(ShellWord.quote(db))`, or record runs in "
                    + "PostgreSQL (--db postgresql://USER@HOST:PORT/DB) to share them between workers")
        }
        try stored.refuseIfNeverStarted(doing: "work on")
        if run.state == .finished {
            inform("orderbatch: run \(run.id) is finished; nothing left to work on")
            return .alreadyFinished
        }
        if run.state == .ingesting {
            if let recorder = try store.workers(runID: run.id).first(where: \.isLive) {
                throw RunError.busy(
                    "orderbatch: run \(run.id) is still recording its input (pid \(recorder.pid) on host "
                        + "\(recorder.host)); start workers once it is running (exit 75)")
            }
            throw RunError.stoppedEarly(
                "orderbatch: run \(run.id) was interrupted while recording its input (nothing was sent); record it "
                    + "again first: \(Self.resumeCommand(runID: run.id, db: db)), then start workers")
        }
        observer.enter(.recording(runID: run.id, resume: Self.resumeCommand(runID: run.id, db: db)))
        let owner = try joinRun(store: store, job: stored.job, runID: run.id)
        try stopIfSignalled(runID: run.id, store: store, db: db) {
            _ = try? store.releaseLease(jobName: stored.job.name, runID: run.id, owner: owner)
        }
        let rescued = try store.rescueStaleWorkers(runID: run.id)
        if rescued > 0 {
            inform("orderbatch: \(rescued) rows of workers that stopped beating will be reconciled first")
        }
        return try await execute(
            store: store, runID: run.id, owner: owner, job: stored.job, overrides: stored.overrides)
    }

    /// Takes a worker's lease on the run beside its live workers.
    ///
    /// - Throws: ``RunError/busy(_:)`` (exit 75) naming the process on another run of the job.
    func joinRun(store: any RunStore, job: Job, runID: String) throws -> LeaseOwner {
        let owner = self.owner()
        switch try store.joinRun(jobName: job.name, runID: runID, owner: owner, ttlSeconds: job.leaseTTLSeconds) {
        case .acquired: return owner
        case .heldBy(let holder):
            throw RunError.busy(
                "orderbatch: job \(job.name) is being executed on another run by \(holder); one run per job at a "
                    + "time: not joining run \(runID) (exit 75)")
        }
    }

    /// After this worker found nothing left to claim, while other workers still have rows in flight: it keeps
    /// its lease beating and runs the rescuer pass; rows that come back (rescued from a worker whose lease
    /// expired, or put back pending by one that stopped) are executed again, those of unknown fate reconciled
    /// first. Returns when no row of the run is in flight, or this worker was stopped.
    ///
    /// - Parameters:
    ///   - driver: The driver of the first execution; each round runs a copy of it.
    ///   - first: What the first execution did.
    ///   - total: The run's rows, for the progress line.
    /// - Returns: The executions' result: the last one's stop reason, counters summed.
    /// - Throws: ``RunStoreError/leaseLost(runID:)`` when this worker's lease was taken over, and the store's errors.
    func finishBesideOtherWorkers(
        driver: RunDriver, first: RunDriver.Result, total: Int
    ) async throws -> RunDriver.Result {
        guard let lease = driver.lease else { return first }
        let db = RunStoreActor(driver.store)
        let runID = driver.runID
        var result = first
        var rescuedMeanwhile = first.rescuedRows
        // Rows this worker itself ended of unknown fate: they wait for `resume`, not for another round here (a
        // row whose fate stays unreadable would be reconciled in a loop). Rows left unknown by others (another
        // worker's rescuer pass took back a dead worker's rows) are this worker's to reconcile.
        var leftUnknown = first.counters.unknown
        while result.stopReason == nil {
            if driver.stopFlag.raised != nil { return result }
            let (alive, rescued, counts) = try await db.perform { store in
                let alive = try store.renewLease(jobName: lease.jobName, runID: runID, owner: lease.owner)
                return (alive, try store.rescueStaleWorkers(runID: runID), try store.counts(runID: runID))
            }
            guard alive else {
                lease.fence.close()
                throw RunStoreError.leaseLost(runID: runID)
            }
            lease.fence.renewed(startedAt: ContinuousClock.now)
            if rescued + rescuedMeanwhile > 0 || counts.pending > 0 || counts.unknown > leftUnknown {
                let again = try await driver.execute(totalItems: total, failedSoFar: counts.failed)
                rescuedMeanwhile = again.rescuedRows
                leftUnknown += again.counters.unknown
                result = RunDriver.Result(
                    stopReason: again.stopReason, counters: result.counters.adding(again.counters),
                    elapsedSeconds: result.elapsedSeconds + again.elapsedSeconds)
                // Another worker claimed the rows first: wait a beat instead of asking again at once.
                if again.counters.itemsStarted > 0 || again.stopReason != nil { continue }
            } else if counts.inFlight == 0 {
                return result
            }
            try await Task.sleep(for: .milliseconds(Int64(min(1, lease.heartbeatSeconds) * 1000)))
        }
        return result
    }
}

extension ExecutorCounters {
    /// The counts of two executions of one invocation, one after the other (the momentary values, the
    /// second's).
    func adding(_ other: ExecutorCounters) -> ExecutorCounters {
        var sum = other
        sum.itemsStarted += itemsStarted
        sum.operationsStarted += operationsStarted
        sum.sends += sends
        sum.preflights += preflights
        sum.reconciles += reconciles
        sum.retries += retries
        sum.succeeded += succeeded
        sum.failed += failed
        sum.skipped += skipped
        sum.unknown += unknown
        sum.pending += pending
        sum.rateLimited += rateLimited
        sum.breakerTrips += breakerTrips
        return sum
    }
}
