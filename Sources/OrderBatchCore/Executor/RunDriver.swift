import Foundation

/// The thin driver: performs the ``ExecutorStateMachine``'s actions. It claims rows from the
/// store, calls the provider client, and commits results in groups (count- or time-bounded,
/// never one transaction per row). It decides nothing itself. Its store calls run on the
/// store's own thread (``RunStoreActor``), never on the cooperative pool.
///
/// Claims and result groups are child tasks like the requests: while the store thread commits a
/// group or claims the next rows, requests keep starting and finishing (the machine asks for rows
/// while it still holds half a prefetch of them). A failed claim or commit ends the execution
/// as soon as its task reports, like any store error.
public struct RunDriver: Sendable {
    public var store: any RunStore
    public var runID: String
    public var client: any ProviderClient
    public var policy: ExecutorPolicy
    public var stopFlag: StopFlag
    /// Called about five times a second with the machine's counters and seconds elapsed.
    public var onProgress: (@Sendable (ExecutorCounters, Double) -> Void)?
    /// The lease this process holds on the run, renewed at every heartbeat and fenced (see
    /// ``RunLease``); nil only in tests that hold none.
    public var lease: RunLease?
    /// The rate limit shared with other processes (workers of the run, jobs on the same account), or nil
    /// when the ``RateLimiter`` of this process alone paces the run (a SQLite state file).
    public var sharedRate: SharedRate?
    /// Results are committed when this many are waiting, or every `flushInterval` seconds.
    public var flushCount = 500
    public var flushInterval = 0.25

    public init(
        store: any RunStore, runID: String, client: any ProviderClient, policy: ExecutorPolicy, stopFlag: StopFlag,
        onProgress: (@Sendable (ExecutorCounters, Double) -> Void)? = nil, lease: RunLease? = nil,
        sharedRate: SharedRate? = nil
    ) {
        self.store = store
        self.runID = runID
        self.client = client
        self.policy = policy
        self.stopFlag = stopFlag
        self.onProgress = onProgress
        self.lease = lease
        self.sharedRate = sharedRate
    }

    /// Milliseconds since `start` on the monotonic clock: a read's latency, for the attempts log.
    private static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.attoseconds) * 1e-15 + Double(d.components.seconds) * 1000
    }

    private enum Event: Sendable {
        case preflight(Int64, PreflightResult, Date, Double)
        case reconcile(Int64, Reconciliation, Date, Double)
        case send(Int64, Outcome, Date)
        case wake
        case periodic
        case tokens(RateTokenGrant)
        case reported
        /// A result group was committed (or its commit failed).
        case recorded(StoreWrite<Void>)
        /// The pending results were committed and rows claimed (or either failed).
        case claimed(StoreWrite<[ClaimedItem]>)
    }

    /// Per-row bookkeeping while a row is claimed by this process.
    private struct Claimed {
        var item: ClaimedItem
        var sends: Int
        var last: Outcome?
        var log: [AttemptRecord] = []
    }

    /// Runs until every claimable row is settled or the run stops.
    ///
    /// - Throws: ``RunStoreError/leaseLost(runID:)`` when another process took the run over (nothing
    ///   more was sent or recorded), ``RunStoreError/databaseMoved(path:)`` when the database file
    ///   went away, and the store's own errors (a full disk, an I/O error, corruption); in every case
    ///   no request starts after the error, requests in flight are cancelled, and results not yet
    ///   committed stay uncommitted (their rows are reconciled by `resume`).
    public func execute(totalItems: Int, failedSoFar: Int) async throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        func now() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        var machine = ExecutorStateMachine(
            policy: policy, totalItems: totalItems, failedSoFar: failedSoFar,
            seed: UInt64(truncatingIfNeeded: runID.hashValue),
            shared: sharedRate.map { SharedTokens(pauseSeconds: $0.pauseSeconds) })
        let tokens = sharedRate.map { RateTokenActor($0.source) }
        var claimed: [Int64: Claimed] = [:]
        var pendingResults: [ItemResult] = []
        var lastFlush = 0.0
        var lastHeartbeat = 0.0
        var scheduledWake: Double? = nil
        var stopSent = false
        var end: ExecutorStateMachine.StopReason?? = nil
        let timeoutMS = policy.requestTimeoutMilliseconds
        let client = self.client
        let lease = self.lease
        let fence = lease?.owner
        /// The highest seq claimed so far: each row is offered at most once per execution.
        var lastClaimedSeq: Int64 = 0
        /// Rows the rescuer pass took back from expired workers during this execution.
        var rescuedRows = 0
        /// Every store call goes through here, to the store's own thread: a write waiting out
        /// another process's lock (the busy timeout) never blocks a cooperative thread.
        let db = RunStoreActor(store)
        let runID = self.runID

        /// Takes the results waiting to be committed (the caller commits them).
        func takePending() -> [ItemResult] {
            let results = pendingResults
            pendingResults.removeAll(keepingCapacity: true)
            if !results.isEmpty { lastFlush = now() }
            return results
        }

        /// Commits the waiting results and waits for the commit.
        func flush() async throws {
            let results = takePending()
            guard !results.isEmpty else { return }
            try await db.perform { try $0.record(results, fence: fence) }
        }

        /// Renews the lease (the store checks ownership) and checks the database file.
        func renew() async throws {
            lastHeartbeat = now()
            guard let lease else {
                try await db.perform { try $0.checkStorage() }
                return
            }
            let started = ContinuousClock.now
            let renewed = try await db.perform { store -> Int? in
                guard try store.renewLease(jobName: lease.jobName, runID: runID, owner: lease.owner) else {
                    return nil
                }
                try store.checkStorage()
                // The rescuer pass, run by every live worker: rows of workers whose lease expired become unknown.
                return store.supportsWorkers ? try store.rescueStaleWorkers(runID: runID) : 0
            }
            guard let rescued = renewed else {
                lease.fence.close()
                throw RunStoreError.leaseLost(runID: runID)
            }
            lease.fence.renewed(startedAt: started)
            rescuedRows += rescued
        }

        /// Before a request starts: past the fence's window (the process was frozen or starved),
        /// renew first; throws when the run was taken over.
        func requireFence() async throws {
            guard let lease, !lease.fence.allowsStart() else { return }
            try await renew()
        }

        return try await withThrowingTaskGroup(of: Event.self) { group in
            var queue: [ExecutorStateMachine.Action] = machine.start(now: now())
            group.addTask {
                try? await Task.sleep(for: .milliseconds(100))
                return .periodic
            }
            while end == nil {
                while !queue.isEmpty {
                    let action = queue.removeFirst()
                    switch action {
                    case .requestItems(let count):
                        // The waiting results are committed first, in the same hop to the store thread.
                        let results = takePending()
                        let after = lastClaimedSeq
                        group.addTask {
                            .claimed(
                                await StoreWrite {
                                    try await db.perform { store in
                                        if !results.isEmpty { try store.record(results, fence: fence) }
                                        return try store.claimPending(
                                            runID: runID, limit: count, afterSeq: after, fence: fence)
                                    }
                                })
                        }
                    case .preflight(let seq):
                        guard let item = claimed[seq]?.item.outbound else { continue }
                        try await requireFence()
                        group.addTask {
                            let at = Date()
                            let started = ContinuousClock.now
                            let r = await client.preflight(item, timeoutMilliseconds: timeoutMS)
                            return .preflight(seq, r, at, Self.milliseconds(since: started))
                        }
                    case .reconcile(let seq):
                        guard let item = claimed[seq]?.item.outbound else { continue }
                        try await requireFence()
                        group.addTask {
                            let at = Date()
                            let started = ContinuousClock.now
                            let r = await client.reconcile(item, timeoutMilliseconds: timeoutMS)
                            return .reconcile(seq, r, at, Self.milliseconds(since: started))
                        }
                    case .send(let seq, _):
                        guard let item = claimed[seq]?.item.outbound else { continue }
                        try await requireFence()
                        claimed[seq]?.sends += 1
                        group.addTask {
                            let at = Date()
                            return .send(seq, await client.send(item, timeoutMilliseconds: timeoutMS), at)
                        }
                    case .finish(let seq, let state, let reason):
                        guard let c = claimed.removeValue(forKey: seq) else { continue }
                        let itemState: ItemState
                        switch state {
                        case .succeeded: itemState = .succeeded
                        case .failed: itemState = .failed
                        case .skipped: itemState = .skipped
                        case .unknown: itemState = .unknown
                        case .pending: itemState = .pending
                        }
                        var message = c.last?.message
                        if state != .succeeded, let reason { message = reason }
                        pendingResults.append(
                            ItemResult(
                                runID: runID, seq: seq, generation: c.item.generation, state: itemState,
                                attempts: c.sends,
                                httpStatus: c.last?.httpStatus, errorCode: c.last?.errorCode,
                                message: state == .succeeded ? nil : message,
                                latencyMilliseconds: c.last?.latencyMilliseconds,
                                log: c.log))
                        if pendingResults.count >= flushCount {
                            let results = takePending()
                            group.addTask { .recorded(await Self.record(results, in: db, fence: fence)) }
                        }
                    case .wake(let at):
                        if scheduledWake.map({ at < $0 }) ?? true {
                            scheduledWake = at
                            let delay = max(0, at - now())
                            group.addTask {
                                try? await Task.sleep(for: .milliseconds(Int64(delay * 1000) + 1))
                                return .wake
                            }
                        }
                    case .takeTokens(let count, let returning):
                        guard let tokens else { continue }
                        group.addTask {
                            .tokens(try await tokens.perform { try $0.take(count, returning: returning) })
                        }
                    case .reportRateLimited(let age, let pause):
                        guard let tokens else { continue }
                        group.addTask {
                            // Best effort: if the database is gone, the next take says so and stops the run.
                            _ = try? await tokens.perform { try $0.rateLimited(ageSeconds: age, pauseSeconds: pause) }
                            return .reported
                        }
                    case .stopped(let reason):
                        end = .some(reason)
                    case .completed:
                        end = .some(nil)
                    }
                }
                if end != nil { break }
                guard let event = try await group.next() else { break }
                let t = now()
                switch event {
                case .claimed(let write):
                    let items = try write.get()
                    if let last = items.last?.seq { lastClaimedSeq = max(lastClaimedSeq, last) }
                    for item in items {
                        claimed[item.seq] = Claimed(item: item, sends: item.attempts)
                    }
                    let work = items.map {
                        WorkItem(seq: $0.seq, needsReconcile: $0.needsReconcile, attemptsSoFar: $0.attempts)
                    }
                    queue += work.isEmpty ? machine.noMoreItems(now: t) : machine.itemsOffered(work, now: t)
                case .recorded(let write):
                    try write.get()
                case .preflight(let seq, let result, let at, let ms):
                    var rec: AttemptRecord
                    switch result {
                    case .proceed:
                        rec = AttemptRecord(
                            attempt: 0, phase: .preflight, startedAt: at, latencyMilliseconds: ms, result: .succeeded)
                    case .skip(let reason):
                        rec = AttemptRecord(
                            attempt: 0, phase: .preflight, startedAt: at, latencyMilliseconds: ms, message: reason,
                            result: .skipped)
                        claimed[seq]?.last = Outcome(kind: .permanent, errorCode: "PREFLIGHT_SKIPPED", message: reason)
                    case .reject(let code, let reason):
                        rec = AttemptRecord(
                            attempt: 0, phase: .preflight, startedAt: at, latencyMilliseconds: ms, errorCode: code,
                            message: reason, result: .rejected)
                        claimed[seq]?.last = Outcome(kind: .permanent, errorCode: code, message: reason)
                    case .failed(let outcome):
                        rec = AttemptRecord(attempt: 0, phase: .preflight, startedAt: at, outcome: outcome)
                        claimed[seq]?.last = outcome
                    }
                    claimed[seq]?.log.append(rec)
                    queue += machine.preflightFinished(seq: seq, result: result, now: t)
                case .reconcile(let seq, let result, let at, let ms):
                    let rec: AttemptRecord
                    switch result {
                    case .inEffect:
                        rec = AttemptRecord(
                            attempt: 0, phase: .reconcile, startedAt: at, latencyMilliseconds: ms, result: .inEffect)
                    case .notInEffect:
                        rec = AttemptRecord(
                            attempt: 0, phase: .reconcile, startedAt: at, latencyMilliseconds: ms, result: .notInEffect)
                    case .failed(let outcome):
                        rec = AttemptRecord(attempt: 0, phase: .reconcile, startedAt: at, outcome: outcome)
                    }
                    claimed[seq]?.log.append(rec)
                    queue += machine.reconcileFinished(seq: seq, result: result, now: t)
                case .send(let seq, let outcome, let at):
                    let n = claimed[seq]?.sends ?? 0
                    claimed[seq]?.log.append(AttemptRecord(attempt: n, phase: .send, startedAt: at, outcome: outcome))
                    claimed[seq]?.last = outcome
                    queue += machine.attemptFinished(seq: seq, outcome: outcome, now: t)
                case .tokens(let grant):
                    queue += machine.tokensGranted(grant, now: t)
                case .reported:
                    break
                case .wake:
                    if let w = scheduledWake, w <= t + 0.0005 { scheduledWake = nil }
                    queue += machine.tick(now: t)
                case .periodic:
                    if !stopSent {
                        if let reason = stopFlag.raised {
                            stopSent = true
                            queue += machine.stop(reason, now: t)
                        } else if t - lastHeartbeat >= (lease?.heartbeatSeconds ?? 5) {
                            do {
                                try await renew()
                            } catch let error as SQLiteError where error.isBusy {
                                // Another process held the database for the whole busy timeout: try at the
                                // next heartbeat; the fence stops new requests if that goes on too long.
                            }
                        }
                    }
                    if t - lastFlush >= flushInterval, !pendingResults.isEmpty {
                        let results = takePending()
                        group.addTask { .recorded(await Self.record(results, in: db, fence: fence)) }
                    }
                    onProgress?(machine.counters, t)
                    queue += machine.tick(now: t)
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(200))
                        return .periodic
                    }
                }
            }
            group.cancelAll()
            var unused = machine.releaseSharedTokens()
            // A batch of tokens still on its way when the run ended goes back too (the timers end at once), and
            // result groups still being committed are waited for: the first that failed is this execution's error.
            var storeError: (any Error)?
            while !group.isEmpty {
                switch try? await group.next() {
                case .tokens(let grant)? where grant.count > 0:
                    unused.append(RateTokenLot(grantID: grant.grantID, count: grant.count))
                case .recorded(.failed(let error))?, .claimed(.failed(let error))?:
                    storeError = storeError ?? error
                default:
                    break
                }
            }
            if let tokens, !unused.isEmpty {
                let unused = unused
                // Tokens not used go back to the shared budget; a failure only wastes them until their window passes.
                _ = try? await tokens.perform { try $0.giveBack(unused) }
            }
            if let storeError { throw storeError }
            try await flush()
            onProgress?(machine.counters, now())
            return Result(
                stopReason: end ?? nil, counters: machine.counters, elapsedSeconds: now(), rescuedRows: rescuedRows)
        }
    }
}
