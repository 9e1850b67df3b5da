import OrderBatchCore

/// A uniform number in `0 ..< 1` fixed by `(seed, seq, n)`: the simulated provider's dice.
func chance(_ seed: UInt64, _ seq: Int64, _ n: Int) -> Double {
    var generator = SplitMix64(
        seed: seed &+ UInt64(bitPattern: seq) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(n) &* 0xC2B2_AE3D_27D4_EB4F)
    _ = generator.next()
    return Double(generator.next() >> 11) / Double(UInt64(1) << 53)
}

/// What a simulated send did: the outcome the client sees and whether the update took effect.
struct SimulatedSend {
    var outcome: Outcome
    var applied: Bool
    var latency: Double?

    static func ok(latency: Double? = nil) -> SimulatedSend {
        SimulatedSend(outcome: Outcome(kind: .succeeded, httpStatus: 200), applied: true, latency: latency)
    }

    static func status(_ code: Int, retryAfter: Double? = nil, latency: Double? = nil) -> SimulatedSend {
        let kind: Outcome.Kind =
            [408, 409, 425, 429].contains(code) || code >= 500 ? .retryable(retryAfterSeconds: retryAfter) : .permanent
        return SimulatedSend(
            outcome: Outcome(kind: kind, httpStatus: code, errorCode: "E\(code)", message: "simulated \(code)"),
            applied: false, latency: latency)
    }

    static let refused = SimulatedSend(
        outcome: Outcome(kind: .retryable(retryAfterSeconds: nil), errorCode: "connection_refused"), applied: false,
        latency: 0.001)

    static func timedOut(landed: Bool, after seconds: Double) -> SimulatedSend {
        SimulatedSend(
            outcome: Outcome(
                kind: .retryable(retryAfterSeconds: nil), errorCode: "timed_out", mayHaveBeenApplied: true),
            applied: landed, latency: seconds)
    }
}

/// A provider as deterministic functions of (item, call number, time). It keeps the updates
/// in effect, as a provider without idempotency keys would: every send that lands applies
/// once more, so a double application shows up in ``ExecutorSimulation/applications``.
struct SimulatedProvider {
    var latency: Double = 0.05
    var send: (_ seq: Int64, _ attempt: Int, _ now: Double) -> SimulatedSend = { _, _, _ in .ok() }
    var preflight: (_ seq: Int64, _ call: Int, _ now: Double) -> PreflightResult = { _, _, _ in .proceed }
    /// A failure for this reconciliation call, or nil to answer from the provider's state.
    var reconcileFailure: (_ seq: Int64, _ call: Int, _ now: Double) -> Outcome? = { _, _, _ in nil }
}

/// A discrete-event driver: performs the machine's actions against a ``SimulatedProvider`` on
/// a simulated clock and records everything a test checks. Invariants that must hold in every
/// run (concurrency, one finish per item, nothing after the end) are recorded as violations.
struct ExecutorSimulation {
    enum Operation: Equatable {
        case preflight
        case reconcile
        case send(attempt: Int)
    }

    struct Completion {
        var time: Double
        var order: Int
        var seq: Int64
        var operation: Operation
        var send: SimulatedSend?
        var preflight: PreflightResult?
        var reconcile: Reconciliation?
    }

    var machine: ExecutorStateMachine
    var provider: SimulatedProvider
    var supply: [WorkItem]
    var supplyIndex = 0
    var now: Double = 0
    var wakeAt: Double?
    var scheduledStop: (time: Double, reason: ExecutorStateMachine.StopReason)?

    // Records.
    var starts: [Double] = []
    var operations: [(time: Double, seq: Int64, operation: Operation)] = []
    var inFlight = 0
    var maxInFlight = 0
    var finishes: [Int64: (state: ExecutorStateMachine.FinalState, reason: String?)] = [:]
    var applications: [Int64: Int] = [:]
    var stopped: ExecutorStateMachine.StopReason?
    var completed = false
    var endTime: Double?
    var violations: [String] = []

    private var completions: [Completion] = []
    private var order = 0
    private var calls: [Int64: Int] = [:]

    init(
        policy: ExecutorPolicy, items: [WorkItem], provider: SimulatedProvider, seed: UInt64 = 42,
        failedSoFar: Int = 0, totalItems: Int? = nil
    ) {
        self.machine = ExecutorStateMachine(
            policy: policy, totalItems: totalItems ?? items.count, failedSoFar: failedSoFar, seed: seed)
        self.provider = provider
        self.supply = items
    }

    init(policy: ExecutorPolicy, count: Int, provider: SimulatedProvider, seed: UInt64 = 42) {
        self.init(policy: policy, items: (1...Int64(count)).map { WorkItem(seq: $0) }, provider: provider, seed: seed)
    }

    var ended: Bool { stopped != nil || completed }

    func count(_ state: ExecutorStateMachine.FinalState) -> Int {
        finishes.values.filter { $0.state == state }.count
    }

    func reasons(_ state: ExecutorStateMachine.FinalState) -> [String] {
        finishes.values.filter { $0.state == state }.compactMap(\.reason)
    }

    /// Runs until the machine stops or completes (or `limit` simulated seconds pass).
    mutating func run(until limit: Double = 1_000_000) {
        perform(machine.start(now: now))
        while !ended {
            let nextCompletion = completions.first?.time
            let candidates = [nextCompletion, wakeAt, scheduledStop?.time].compactMap { $0 }
            guard let next = candidates.min() else {
                violations.append("stalled at \(now): nothing in flight, no wake-up, not finished")
                return
            }
            guard next <= limit else {
                violations.append("still running at the time limit \(limit)")
                return
            }
            if next < now { violations.append("time went backwards: \(next) < \(now)") }
            now = max(now, next)
            if let stop = scheduledStop, stop.time <= now, nextCompletion.map({ stop.time <= $0 }) ?? true {
                scheduledStop = nil
                perform(machine.stop(stop.reason, now: now))
            } else if let nextCompletion, nextCompletion <= now {
                deliver(completions.removeFirst())
            } else {
                wakeAt = nil
                perform(machine.tick(now: now))
            }
        }
    }

    private mutating func deliver(_ completion: Completion) {
        inFlight -= 1
        switch completion.operation {
        case .preflight:
            perform(machine.preflightFinished(seq: completion.seq, result: completion.preflight ?? .proceed, now: now))
        case .reconcile:
            perform(
                machine.reconcileFinished(seq: completion.seq, result: completion.reconcile ?? .notInEffect, now: now))
        case .send:
            if let send = completion.send, send.applied { applications[completion.seq, default: 0] += 1 }
            if let send = completion.send {
                perform(machine.attemptFinished(seq: completion.seq, outcome: send.outcome, now: now))
            }
        }
    }

    private mutating func schedule(_ completion: Completion) {
        var completion = completion
        completion.order = order
        order += 1
        let index =
            completions.firstIndex {
                $0.time > completion.time || ($0.time == completion.time && $0.order > completion.order)
            } ?? completions.endIndex
        completions.insert(completion, at: index)
    }

    private mutating func nextCall(_ seq: Int64) -> Int {
        calls[seq, default: 0] += 1
        return calls[seq, default: 0]
    }

    private mutating func perform(_ actions: [ExecutorStateMachine.Action]) {
        var queue = actions[...]
        while let action = queue.popFirst() {
            if ended { violations.append("action after the end: \(action)") }
            switch action {
            case .requestItems(let count):
                if count <= 0 { violations.append("asked for \(count) items") }
                let end = min(supply.count, supplyIndex + count)
                let batch = Array(supply[supplyIndex..<end])
                supplyIndex = end
                queue.append(
                    contentsOf: batch.isEmpty ? machine.noMoreItems(now: now) : machine.itemsOffered(batch, now: now))
            case .preflight(let seq):
                started(seq, .preflight)
                let result = provider.preflight(seq, nextCall(seq), now)
                var latency = provider.latency
                if case .failed(let outcome) = result, outcome.latencyMilliseconds > 0 {
                    latency = outcome.latencyMilliseconds / 1000
                }
                schedule(Completion(time: now + latency, order: 0, seq: seq, operation: .preflight, preflight: result))
            case .reconcile(let seq):
                started(seq, .reconcile)
                let result: Reconciliation
                if let failure = provider.reconcileFailure(seq, nextCall(seq), now) {
                    result = .failed(failure)
                } else {
                    result = (applications[seq] ?? 0) > 0 ? .inEffect : .notInEffect
                }
                schedule(
                    Completion(
                        time: now + provider.latency, order: 0, seq: seq, operation: .reconcile, reconcile: result))
            case .send(let seq, let attempt):
                started(seq, .send(attempt: attempt))
                let send = provider.send(seq, attempt, now)
                schedule(
                    Completion(
                        time: now + (send.latency ?? provider.latency), order: 0, seq: seq,
                        operation: .send(attempt: attempt), send: send))
            case .finish(let seq, let state, let reason):
                if finishes[seq] != nil { violations.append("item \(seq) finished twice") }
                if state == .failed, (applications[seq] ?? 0) > 0 {
                    violations.append("item \(seq) reported failed although applied")
                }
                finishes[seq] = (state, reason)
            case .wake(let at):
                if at <= now { violations.append("wake-up in the past: \(at) at \(now)") }
                wakeAt = at
            case .takeTokens, .reportRateLimited:
                violations.append("a shared-rate action without a shared rate limit: \(action)")
            case .stopped(let reason):
                if inFlight != 0 { violations.append("stopped with \(inFlight) in flight") }
                stopped = reason
                endTime = now
            case .completed:
                if inFlight != 0 { violations.append("completed with \(inFlight) in flight") }
                if finishes.count != supply.count {
                    violations.append("completed with \(supply.count - finishes.count) items unfinished")
                }
                completed = true
                endTime = now
            }
        }
    }

    private mutating func started(_ seq: Int64, _ operation: Operation) {
        if finishes[seq] != nil { violations.append("operation on finished item \(seq)") }
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        if inFlight > machine.policy.concurrency {
            violations.append("\(inFlight) in flight, concurrency \(machine.policy.concurrency)")
        }
        starts.append(now)
        operations.append((now, seq, operation))
    }

    /// The first violation of `window` in the recorded starts, or nil: at most `limit` starts in
    /// any half-open `seconds`-long interval.
    func windowViolation(_ window: RateWindow) -> String? {
        let sorted = starts.sorted()
        guard sorted.count > window.limit else { return nil }
        for index in 0..<(sorted.count - window.limit)
        where sorted[index + window.limit] < sorted[index] + window.seconds {
            return "\(window.limit + 1) starts between \(sorted[index]) and \(sorted[index + window.limit])"
        }
        return nil
    }
}
