/// The executor's decisions as a pure state machine: what to send next, when to retry, when
/// to stop.
///
/// It performs no I/O and reads no clock; a thin driver feeds it events (each with
/// the driver's monotonic time in seconds) and performs the ``Action``s it returns.
///
/// Modelled on async-http-client's `Transaction+StateMachine`: mutating event methods that
/// return actions, so tests drive it with a simulated clock and provider.
///
/// ```swift
/// var machine = ExecutorStateMachine(policy: policy, totalItems: run.total, seed: seed)
/// perform(machine.start(now: clock.now))
/// // … on each completion, timer or signal:
/// perform(machine.attemptFinished(seq: seq, outcome: outcome, now: clock.now))
/// ```
///
/// ## Rules
/// - At most ``ExecutorPolicy/concurrency`` operations in flight; preflights, reconciliations
///   and sends all count, and all pass the ``RateLimiter``.
/// - An item that needs reconciliation is reconciled first: in effect → `succeeded` without
///   sending; not in effect → sent with the same key. With preflight on, an item never sent
///   before is preflighted once, before its first send.
/// - Only retryable outcomes are retried, after a full-jitter backoff (at least the capped
///   `Retry-After`), while attempts, the retry budget and the item's budget allow. An attempt
///   that may have been applied is reconciled before the item is sent again.
/// - A 429 halves the whole run's allowed rate (see ``RateLimiter``), and a 429's
///   `Retry-After` (capped) pauses every start, not just the refused item's: the limit is shared.
/// - An item that may have been applied and cannot be tried again ends `unknown`, never `failed`.
/// - When a retryable transport failure or 5xx leaves an item out of retries while the
///   breaker's count of consecutive failures is running, the item's final state is held back:
///   if the breaker trips it is put back for `resume`; the next healthy response finalises it.
///   So an outage never burns rows into `failed`.
/// - A stop (deadline, signal, breaker, max failures) ends dispatch at once, puts every
///   waiting item back (`pending`, or `unknown` if it may have been applied), lets in-flight
///   operations finish, then emits ``Action/stopped(_:)``. The run deadline stops new starts;
///   requests already in flight may run up to ``ExecutorPolicy/requestTimeout`` past it.
public struct ExecutorStateMachine: Sendable {
    /// The limits this run works within.
    public let policy: ExecutorPolicy
    /// The run's total number of items, the base of a percentage ``ExecutorPolicy/maxFailures``.
    public let totalItems: Int
    /// Progress so far, for the progress line and metrics.
    public internal(set) var counters = ExecutorCounters()
    /// Why the run is stopping or stopped; nil while it runs or after it completed.
    public internal(set) var stopReason: StopReason?

    enum Phase: Sendable, Equatable {
        case idle
        case running
        case stopping
        case done
    }

    enum Step: Sendable, Equatable {
        case preflight
        case reconcile
        case send
    }

    /// The machine's view of one item it holds.
    struct Item: Sendable {
        let seq: Int64
        var step: Step
        /// Sends made by earlier processes in this attempt generation.
        let priorSends: Int
        /// Sends made by this process.
        var sends = 0
        /// Failed operations of any kind in this process: the backoff exponent.
        var failures = 0
        /// Requests of every kind (preflight, reconcile, send) started for this item in this
        /// process: capped at ``ExecutorPolicy/maxRequestsPerItem``.
        var requests = 0
        /// The last failure showed a ``RunLevelCondition``: giving up hands the item back
        /// `pending`, never `failed`.
        var lastFailureRunLevel = false
        /// Some request for this item may have been applied and no reconciliation has shown
        /// otherwise since.
        var possiblyApplied: Bool
        /// When the item's first operation started in this process (the item budget's origin).
        var startedAt: Double?
        /// When the operation in flight started.
        var operationStartedAt: Double = 0
        var inFlight = false
        /// The next operation is a retry granted from the retry budget.
        var retryGranted = false
        /// The last failure was a transport failure or 5xx (what the breaker counts).
        var lastFailureCountsForBreaker = false

        var totalSends: Int { priorSends + sends }
    }

    /// An item out of retries, held until the breaker trips (put back) or a healthy response
    /// arrives (finished as decided).
    struct Parked: Sendable {
        var item: Item
        var state: FinalState
        var reason: String
    }

    var phase: Phase = .idle
    var items: [Int64: Item] = [:]
    var fresh = SeqQueue()
    var delayed = DelayQueue()
    var parked: [Parked] = []
    var inFlight = 0
    var requestOutstanding = false
    var exhausted = false
    var limiter: RateLimiter
    /// The tokens of a shared rate limit this process holds; nil when the limit is this process's alone.
    var shared: SharedTokens?
    let backoff: Backoff
    var random: SplitMix64
    var retriesGranted = 0
    /// Operations started that were not retries: the retry budget's base.
    var firstAttempts = 0
    var failedTotal: Int
    var consecutiveFailures = 0
    /// Run-level conditions (``RunLevelCondition``) in a row, with no healthy answer between.
    var runLevelStreak = 0
    var lastWake: Double?

    /// Creates a machine for one execution of a run.
    ///
    /// - Parameters:
    ///   - policy: The limits to work within.
    ///   - totalItems: The run's total number of items (for a percentage `maxFailures`).
    ///   - failedSoFar: Items already `failed` in this run before this process (resume), so
    ///     `maxFailures` counts the whole run.
    ///   - seed: Seeds the backoff jitter; any value, e.g. derived from the run id.
    ///   - shared: With a rate limit shared with other processes (a ``RateTokenSource``), the tokens'
    ///     bookkeeping: every start then needs a token as well; nil (the default) for a limit of this
    ///     process's alone.
    public init(
        policy: ExecutorPolicy, totalItems: Int, failedSoFar: Int = 0, seed: UInt64, shared: SharedTokens? = nil
    ) {
        self.policy = policy
        self.shared = shared
        self.totalItems = max(0, totalItems)
        self.failedTotal = max(0, failedSoFar)
        self.limiter = RateLimiter(windows: policy.rateWindows, adaptive: policy.adaptiveRate)
        self.backoff = Backoff(policy: policy)
        self.random = SplitMix64(seed: seed)
        self.counters.allowedRate = limiter.allowedRate
    }

    /// True once ``Action/stopped(_:)`` or ``Action/completed`` has been emitted.
    public var isFinished: Bool { phase == .done }

    /// The rate limiter's current state (allowed rate, ceiling, pause).
    public var rateLimiter: RateLimiter { limiter }

    /// The shared rate limit's tokens held, or nil when the limit is this process's alone.
    public var sharedTokens: SharedTokens? { shared }

    // MARK: - Events

    /// Starts the run: requests the first items.
    public mutating func start(now: Double) -> [Action] {
        guard phase == .idle else { return [] }
        phase = .running
        var actions: [Action] = []
        checkDeadline(now: now, into: &actions)
        pump(now: now, into: &actions)
        return actions
    }

    /// The driver claimed these items in answer to ``Action/requestItems(count:)``.
    ///
    /// An empty
    /// array means the store has no more: the same as ``noMoreItems(now:)``. Items offered
    /// after a stop are handed straight back.
    public mutating func itemsOffered(_ offered: [WorkItem], now: Double) -> [Action] {
        guard phase == .running || phase == .stopping else { return [] }
        var actions: [Action] = []
        requestOutstanding = false
        if offered.isEmpty { exhausted = true }
        checkDeadline(now: now, into: &actions)
        for work in offered where items[work.seq] == nil {
            let step: Step =
                work.needsReconcile ? .reconcile : (policy.preflight && work.attemptsSoFar == 0 ? .preflight : .send)
            let item = Item(
                seq: work.seq, step: step, priorSends: work.attemptsSoFar, possiblyApplied: work.needsReconcile)
            if phase == .stopping {
                putBack(item, into: &actions)
            } else {
                items[work.seq] = item
                fresh.append(work.seq)
            }
        }
        pump(now: now, into: &actions)
        return actions
    }

    /// The store has no more items to offer (answers ``Action/requestItems(count:)``).
    public mutating func noMoreItems(now: Double) -> [Action] {
        guard phase == .running || phase == .stopping else { return [] }
        var actions: [Action] = []
        requestOutstanding = false
        exhausted = true
        checkDeadline(now: now, into: &actions)
        pump(now: now, into: &actions)
        return actions
    }

    /// A preflight read finished.
    public mutating func preflightFinished(seq: Int64, result: PreflightResult, now: Double) -> [Action] {
        guard var item = takeInFlight(seq, step: .preflight) else { return [] }
        var actions: [Action] = []
        checkDeadline(now: now, into: &actions)
        switch result {
        case .proceed:
            noteHealthyResponse(now: now, into: &actions)
            item.step = .send
            enqueue(item, readyAt: now, into: &actions)
        case .skip(let reason):
            noteHealthyResponse(now: now, into: &actions)
            finish(item, .skipped, reason: reason, into: &actions)
        case .reject(let errorCode, let reason):
            noteHealthyResponse(now: now, into: &actions)
            finish(item, .failed, reason: "\(errorCode): \(reason)", into: &actions)
        case .failed(let outcome):
            readFailed(item, outcome: outcome, what: "preflight", now: now, into: &actions)
        }
        pump(now: now, into: &actions)
        return actions
    }

    /// A reconciliation read finished.
    public mutating func reconcileFinished(seq: Int64, result: Reconciliation, now: Double) -> [Action] {
        guard var item = takeInFlight(seq, step: .reconcile) else { return [] }
        var actions: [Action] = []
        checkDeadline(now: now, into: &actions)
        switch result {
        case .inEffect:
            noteHealthyResponse(now: now, into: &actions)
            finish(item, .succeeded, reason: "already in effect (reconciled)", into: &actions)
        case .notInEffect:
            noteHealthyResponse(now: now, into: &actions)
            item.possiblyApplied = false
            item.step = .send
            enqueue(item, readyAt: now, into: &actions)
        case .failed(let outcome):
            readFailed(item, outcome: outcome, what: "reconciliation", now: now, into: &actions)
        }
        pump(now: now, into: &actions)
        return actions
    }

    /// A send finished with `outcome`.
    public mutating func attemptFinished(seq: Int64, outcome: Outcome, now: Double) -> [Action] {
        guard var item = takeInFlight(seq, step: .send) else { return [] }
        var actions: [Action] = []
        checkDeadline(now: now, into: &actions)
        if let condition = RunLevelCondition(outcome) {
            if outcome.mayHaveBeenApplied { item.possiblyApplied = true }
            runLevelFailure(item, condition, outcome: outcome, now: now, into: &actions)
            pump(now: now, into: &actions)
            return actions
        }
        switch outcome.kind {
        case .succeeded:
            noteHealthyResponse(now: now, into: &actions)
            finish(item, .succeeded, reason: nil, into: &actions)
        case .permanent:
            noteResponse(outcome, now: now, into: &actions)
            finish(item, item.possiblyApplied ? .unknown : .failed, reason: Self.describe(outcome), into: &actions)
        case .retryable(let retryAfter):
            if outcome.mayHaveBeenApplied { item.possiblyApplied = true }
            item.step = item.possiblyApplied ? .reconcile : .send
            var outOfAttempts: String? = nil
            if item.totalSends >= policy.maxAttempts {
                outOfAttempts = "gave up after \(item.totalSends) attempts"
            } else if item.requests >= policy.maxRequestsPerItem {
                outOfAttempts = "gave up after \(item.requests) requests for this row"
            }
            retryOrGiveUp(
                item, outcome: outcome, retryAfter: retryAfter, outOfAttempts: outOfAttempts, now: now,
                into: &actions)
        }
        pump(now: now, into: &actions)
        return actions
    }

    /// The ``RateTokenSource`` answered ``Action/takeTokens(count:returning:)``.
    public mutating func tokensGranted(_ grant: RateTokenGrant, now: Double) -> [Action] {
        shared?.received(grant, now: now)
        guard phase == .running || phase == .stopping else { return [] }
        var actions: [Action] = []
        checkDeadline(now: now, into: &actions)
        pump(now: now, into: &actions)
        return actions
    }

    /// Every shared token held, emptied, for the driver to hand back when the run ends.
    public mutating func releaseSharedTokens() -> [RateTokenLot] {
        shared?.releaseAll() ?? []
    }

    /// A wake-up the machine asked for (or any other moment): dispatch what has become possible.
    public mutating func tick(now: Double) -> [Action] {
        guard phase == .running || phase == .stopping else { return [] }
        var actions: [Action] = []
        checkDeadline(now: now, into: &actions)
        pump(now: now, into: &actions)
        return actions
    }

    /// Stops the run (signal, deadline, or a reason of the driver's): no new work starts,
    /// waiting items are put back, and ``Action/stopped(_:)`` follows once nothing is in
    /// flight.
    ///
    /// A second stop is ignored; the first reason stands.
    public mutating func stop(_ reason: StopReason, now: Double) -> [Action] {
        if phase == .idle {
            phase = .done
            stopReason = reason
            return [.stopped(reason)]
        }
        guard phase == .running else { return [] }
        var actions: [Action] = []
        beginStop(reason, into: &actions)
        pump(now: now, into: &actions)
        return actions
    }
}
