import Foundation

/// The thin driver: performs the ``ExecutorStateMachine``'s actions. It claims rows from the
/// store, calls the provider client, and commits results in groups (count- or time-bounded,
/// never one transaction per row). It decides nothing itself.
public struct RunDriver: Sendable {
    /// How the execution ended.
    public struct Result: Sendable {
        public var stopReason: ExecutorStateMachine.StopReason?
        public var counters: ExecutorCounters
        public var elapsedSeconds: Double
    }

    public var store: any RunStore
    public var runID: String
    public var client: any ProviderClient
    public var policy: ExecutorPolicy
    public var stopFlag: StopFlag
    /// Called about five times a second with the machine's counters and seconds elapsed.
    public var onProgress: (@Sendable (ExecutorCounters, Double) -> Void)?
    /// Called about every 5 s; returning false (the lease was lost) stops the run.
    public var onHeartbeat: (@Sendable () -> Bool)?
    /// Results are committed when this many are waiting, or every `flushInterval` seconds.
    public var flushCount = 500
    public var flushInterval = 0.25

    public init(
        store: any RunStore, runID: String, client: any ProviderClient, policy: ExecutorPolicy, stopFlag: StopFlag,
        onProgress: (@Sendable (ExecutorCounters, Double) -> Void)? = nil, onHeartbeat: (@Sendable () -> Bool)? = nil
    ) {
        self.store = store
        self.runID = runID
        self.client = client
        self.policy = policy
        self.stopFlag = stopFlag
        self.onProgress = onProgress
        self.onHeartbeat = onHeartbeat
    }

    private enum Event: Sendable {
        case preflight(Int64, PreflightResult, Date)
        case reconcile(Int64, Reconciliation, Date, Double)
        case send(Int64, Outcome, Date)
        case wake
        case periodic
    }

    /// Per-row bookkeeping while a row is claimed by this process.
    private struct Claimed {
        var item: ClaimedItem
        var sends: Int
        var last: Outcome?
        var log: [AttemptRecord] = []
    }

    /// Runs until every claimable row is settled or the run stops.
    public func execute(totalItems: Int, failedSoFar: Int) async throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        func now() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        var machine = ExecutorStateMachine(
            policy: policy, totalItems: totalItems, failedSoFar: failedSoFar,
            seed: UInt64(truncatingIfNeeded: runID.hashValue))
        var claimed: [Int64: Claimed] = [:]
        var pendingResults: [ItemResult] = []
        var lastFlush = 0.0
        var lastHeartbeat = 0.0
        var scheduledWake: Double? = nil
        var stopSent = false
        var end: ExecutorStateMachine.StopReason?? = nil
        let timeoutMS = policy.requestTimeoutMilliseconds
        let client = self.client

        func flush() throws {
            guard !pendingResults.isEmpty else { return }
            try store.record(pendingResults)
            pendingResults.removeAll(keepingCapacity: true)
            lastFlush = now()
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
                        try flush()
                        let items = try store.claimPending(runID: runID, limit: count)
                        for item in items {
                            claimed[item.seq] = Claimed(item: item, sends: item.attempts)
                        }
                        let work = items.map {
                            WorkItem(seq: $0.seq, needsReconcile: $0.needsReconcile, attemptsSoFar: $0.attempts)
                        }
                        queue += work.isEmpty ? machine.noMoreItems(now: now()) : machine.itemsOffered(work, now: now())
                    case .preflight(let seq):
                        guard let item = claimed[seq]?.item.outbound else { continue }
                        group.addTask {
                            let at = Date()
                            return .preflight(seq, await client.preflight(item, timeoutMilliseconds: timeoutMS), at)
                        }
                    case .reconcile(let seq):
                        guard let item = claimed[seq]?.item.outbound else { continue }
                        group.addTask {
                            let at = Date()
                            let started = ContinuousClock.now
                            let r = await client.reconcile(item, timeoutMilliseconds: timeoutMS)
                            let d = ContinuousClock.now - started
                            return .reconcile(seq, r, at, Double(d.components.attoseconds) * 1e-15 + Double(d.components.seconds) * 1000)
                        }
                    case .send(let seq, _):
                        guard let item = claimed[seq]?.item.outbound else { continue }
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
                        pendingResults.append(ItemResult(
                            runID: runID, seq: seq, generation: c.item.generation, state: itemState, attempts: c.sends,
                            httpStatus: c.last?.httpStatus, errorCode: c.last?.errorCode,
                            message: state == .succeeded ? nil : message, latencyMilliseconds: c.last?.latencyMilliseconds,
                            log: c.log))
                        if pendingResults.count >= flushCount { try flush() }
                    case .wake(let at):
                        if scheduledWake == nil || at < scheduledWake! {
                            scheduledWake = at
                            let delay = max(0, at - now())
                            group.addTask {
                                try? await Task.sleep(for: .milliseconds(Int64(delay * 1000) + 1))
                                return .wake
                            }
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
                case .preflight(let seq, let result, let at):
                    var rec: AttemptRecord
                    switch result {
                    case .proceed: rec = AttemptRecord(attempt: 0, phase: .preflight, startedAt: at, result: .succeeded)
                    case .skip(let reason):
                        rec = AttemptRecord(attempt: 0, phase: .preflight, startedAt: at, message: reason, result: .skipped)
                        claimed[seq]?.last = Outcome(kind: .permanent, errorCode: "PREFLIGHT_SKIPPED", message: reason)
                    case .reject(let code, let reason):
                        rec = AttemptRecord(attempt: 0, phase: .preflight, startedAt: at, errorCode: code, message: reason, result: .rejected)
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
                    case .inEffect: rec = AttemptRecord(attempt: 0, phase: .reconcile, startedAt: at, latencyMilliseconds: ms, result: .inEffect)
                    case .notInEffect: rec = AttemptRecord(attempt: 0, phase: .reconcile, startedAt: at, latencyMilliseconds: ms, result: .notInEffect)
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
                case .wake:
                    if let w = scheduledWake, w <= t + 0.0005 { scheduledWake = nil }
                    queue += machine.tick(now: t)
                case .periodic:
                    if !stopSent {
                        if let reason = stopFlag.raised {
                            stopSent = true
                            queue += machine.stop(reason, now: t)
                        } else if t - lastHeartbeat >= 5 {
                            lastHeartbeat = t
                            if let onHeartbeat, !onHeartbeat() {
                                stopSent = true
                                queue += machine.stop(.aborted("lease lost to another process"), now: t)
                            }
                        }
                    }
                    if t - lastFlush >= flushInterval { try flush() }
                    onProgress?(machine.counters, t)
                    queue += machine.tick(now: t)
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(200))
                        return .periodic
                    }
                }
            }
            group.cancelAll()
            try flush()
            onProgress?(machine.counters, now())
            return Result(stopReason: end ?? nil, counters: machine.counters, elapsedSeconds: now())
        }
    }
}
