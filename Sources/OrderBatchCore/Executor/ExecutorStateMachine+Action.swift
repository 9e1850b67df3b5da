extension ExecutorStateMachine {
    /// What the driver must do next.
    ///
    /// Perform the actions of one event in order.
    public enum Action: Sendable, Equatable {
        /// Claim up to `count` more items from the store and answer with
        /// ``ExecutorStateMachine/itemsOffered(_:now:)`` (an empty array meaning none is left)
        /// or ``ExecutorStateMachine/noMoreItems(now:)``. Every request must be answered; at
        /// most one is outstanding at a time.
        case requestItems(count: Int)
        /// Call `ProviderClient.preflight` for the item, then
        /// ``ExecutorStateMachine/preflightFinished(seq:result:now:)``.
        case preflight(seq: Int64)
        /// Call `ProviderClient.reconcile` for the item, then
        /// ``ExecutorStateMachine/reconcileFinished(seq:result:now:)``.
        case reconcile(seq: Int64)
        /// Call `ProviderClient.send` for the item (its recorded idempotency key; `attempt` is
        /// 1-based and counts the sends of earlier processes), then
        /// ``ExecutorStateMachine/attemptFinished(seq:outcome:now:)``.
        case send(seq: Int64, attempt: Int)
        /// The item is done with in this process: record `state` (and `reason`, for the row's
        /// message) in the store. `.pending` and `.unknown` items are picked up by `resume`.
        case finish(seq: Int64, state: FinalState, reason: String?)
        /// Call ``ExecutorStateMachine/tick(now:)`` at `at` (replaces any earlier wake-up).
        case wake(at: Double)
        /// Only with a shared rate limit: take up to `count` tokens from the ``RateTokenSource``, handing
        /// back `returning` first, and answer with ``ExecutorStateMachine/tokensGranted(_:now:)``. At most
        /// one is outstanding at a time.
        case takeTokens(count: Int, returning: [RateTokenLot])
        /// Only with a shared rate limit: tell the ``RateTokenSource`` that a request started
        /// `ageSeconds` ago was refused with 429, so that every taker slows down and pauses `pauseSeconds`.
        /// Needs no answer.
        case reportRateLimited(ageSeconds: Double, pauseSeconds: Double)
        /// The run stopped early and everything in flight has finished: commit and exit 3.
        /// Emitted once, last.
        case stopped(StopReason)
        /// Every item is done: commit and exit 0 or 1. Emitted once, last.
        case completed
    }

    /// Where an item ends up when the executor lets go of it.
    public enum FinalState: String, Sendable, Equatable, CaseIterable {
        /// The provider applied the update (or reconciliation found it already in effect).
        case succeeded
        /// It will not be applied: a permanent error, or retries ran out while it was known
        /// not to have been applied.
        case failed
        /// Not sent, by policy (preflight said skip).
        case skipped
        /// Its last request may have been applied and it cannot be tried again now: the store
        /// keeps it `unknown` and it is reconciled before anything is sent again. Never failed.
        case unknown
        /// Put back untouched-in-effect (the run stopped before it was done): `resume` sends it.
        case pending
    }

    /// Why a run stopped before every item was done.
    ///
    /// All of them are resumable (exit 3).
    public enum StopReason: Sendable, Equatable, CustomStringConvertible {
        /// The run deadline passed.
        case deadline
        /// SIGINT or SIGTERM.
        case signal
        /// This many transport failures, 5xx or unreadable responses arrived in a row; `last`
        /// describes the last of them (libcurl's text, or the HTTP status and error code).
        case circuitBreaker(consecutiveFailures: Int, last: String)
        /// A failure that is the account's, the endpoint's or the network's, not the row's
        /// (``RunLevelCondition``); `last` describes the answer that showed it.
        case runLevel(RunLevelCondition, last: String)
        /// `failed` rows went past `--max-failures`.
        case maxFailures(failed: Int, limit: ExecutorPolicy.FailureLimit)

        public var description: String {
            switch self {
            case .deadline:
                return "the run deadline passed"
            case .signal:
                return "interrupted by a signal"
            case .circuitBreaker(let count, let last):
                return "circuit breaker: \(count) transport failures, 5xx or unreadable responses in a row "
                    + "(last: \(last)); the provider looks down, resume the run when it is back"
            case .runLevel(let condition, let last):
                return "\(condition.summary) (\(last)); \(condition.remedy), then resume the run"
            case .maxFailures(let failed, let limit):
                return "\(failed) rows failed, past --max-failures \(limit)"
            }
        }
    }
}

extension ExecutorStateMachine.StopReason {
    /// The breaker's count of consecutive failures when it tripped, or nil for any other stop.
    public var breakerCount: Int? {
        if case .circuitBreaker(let count, _) = self { return count }
        return nil
    }

    /// The run-level condition that stopped the run, or nil for any other stop.
    public var runLevelCondition: RunLevelCondition? {
        if case .runLevel(let condition, _) = self { return condition }
        return nil
    }
}
