// MARK: - Failures: retries, budgets, the breaker

extension ExecutorStateMachine {
    /// Whether `outcome` is what the breaker counts: no response at all, a 5xx, or a 2xx whose
    /// body could not be read (a proxy or WAF in the way answers for the provider).
    static func countsForBreaker(_ outcome: Outcome) -> Bool {
        guard let status = outcome.httpStatus else { return true }
        return (500...599).contains(status) || outcome.errorCode == OutcomeClassifier.unreadableResponseCode
    }

    /// One line naming an outcome: `HTTP 503 SERVER_ERROR: message`, `timed_out: detail`.
    static func describe(_ outcome: Outcome) -> String {
        var head: [String] = []
        if let status = outcome.httpStatus { head.append("HTTP \(status)") }
        if let code = outcome.errorCode, !code.isEmpty { head.append(code) }
        var text = head.joined(separator: " ")
        if let message = outcome.message, !message.isEmpty {
            text = text.isEmpty ? message : "\(text): \(message)"
        }
        return text.isEmpty ? "no response" : text
    }

    /// The provider answered normally: the breaker's count restarts, AIMD may raise the rate,
    /// and items held back for the breaker are finished as decided.
    mutating func noteHealthyResponse(now: Double, into actions: inout [Action]) {
        consecutiveFailures = 0
        runLevelStreak = 0
        limiter.recordSuccess(now: now)
        releaseParked(into: &actions, checkingFailureLimit: true)
    }

    /// A permanent outcome: a 4xx is a healthy provider refusing the row, a 5xx or an
    /// unreadable 2xx counts for the breaker, no response counts for neither.
    mutating func noteResponse(_ outcome: Outcome, now: Double, into actions: inout [Action]) {
        guard let status = outcome.httpStatus else { return }
        runLevelStreak = 0
        if Self.countsForBreaker(outcome) {
            noteBreakerFailure(outcome, into: &actions)
        } else if status != 429 {
            noteHealthyResponse(now: now, into: &actions)
        }
    }

    /// A transport failure, 5xx or unreadable answer: count it, and trip the breaker at the
    /// limit, naming the last failure.
    mutating func noteBreakerFailure(_ outcome: Outcome, into actions: inout [Action]) {
        consecutiveFailures += 1
        if consecutiveFailures >= policy.breaker.consecutiveFailures && phase == .running {
            beginStop(
                .circuitBreaker(consecutiveFailures: consecutiveFailures, last: Self.describe(outcome)),
                into: &actions)
        }
    }

    /// `item`'s request showed a ``RunLevelCondition``: the item goes back `pending` (or
    /// `unknown`), and the run stops once the condition's threshold is reached; below it the
    /// failure is retried like any transport failure, without ever ending the item `failed`.
    mutating func runLevelFailure(
        _ item: Item, _ condition: RunLevelCondition, outcome: Outcome, now: Double, into actions: inout [Action]
    ) {
        var item = item
        item.lastFailureRunLevel = true
        if outcome.httpStatus != nil { consecutiveFailures = 0 }
        runLevelStreak += 1
        if runLevelStreak >= condition.threshold && phase == .running {
            beginStop(.runLevel(condition, last: Self.describe(outcome)), into: &actions)
        }
        guard phase == .running, outcome.httpStatus == nil else {
            putBack(item, into: &actions)
            return
        }
        let outOfAttempts = item.requests >= policy.maxRequestsPerItem
        retryOrGiveUp(
            item, outcome: outcome, retryAfter: nil,
            outOfAttempts: outOfAttempts ? "gave up after \(item.requests) requests for this row" : nil,
            now: now, into: &actions)
    }

    /// Finishes the items held for the breaker as decided (at the end of a run, without
    /// letting them stop it: every item is done by then).
    mutating func releaseParked(into actions: inout [Action], checkingFailureLimit: Bool) {
        guard !parked.isEmpty else { return }
        let held = parked
        parked = []
        for entry in held {
            finish(
                entry.item, entry.state, reason: entry.reason, checkingFailureLimit: checkingFailureLimit,
                into: &actions)
        }
    }

    /// A preflight or reconciliation read failed.
    mutating func readFailed(
        _ item: Item, outcome: Outcome, what: String, now: Double, into actions: inout [Action]
    ) {
        if let condition = RunLevelCondition(outcome) {
            runLevelFailure(item, condition, outcome: outcome, now: now, into: &actions)
            return
        }
        switch outcome.kind {
        case .succeeded:
            // A read cannot "succeed" while failing; treat it as a permanent refusal.
            noteResponse(outcome, now: now, into: &actions)
            finish(
                item, item.possiblyApplied ? .unknown : .failed,
                reason: "\(what) failed: \(Self.describe(outcome))", into: &actions)
        case .permanent:
            noteResponse(outcome, now: now, into: &actions)
            finish(
                item, item.possiblyApplied ? .unknown : .failed,
                reason: "\(what) failed: \(Self.describe(outcome))", into: &actions)
        case .retryable(let retryAfter):
            let outOfAttempts = item.requests >= policy.maxRequestsPerItem
            let why =
                item.possiblyApplied
                ? "its fate could not be read: \(what) failed, \(item.requests) requests for this row"
                : "\(what) failed, \(item.requests) requests for this row"
            retryOrGiveUp(
                item, outcome: outcome, retryAfter: retryAfter, outOfAttempts: outOfAttempts ? why : nil,
                now: now, into: &actions)
        }
    }

    /// A retryable failure of `item`'s current operation: slow the run on 429, count it for the
    /// breaker, then schedule the retry or give up (attempts, retry budget, item budget).
    mutating func retryOrGiveUp(
        _ item: Item, outcome: Outcome, retryAfter: Double?, outOfAttempts: String?,
        now: Double, into actions: inout [Action]
    ) {
        var item = item
        item.failures += 1
        let last = Self.describe(outcome)
        if outcome.isRateLimited {
            counters.rateLimited += 1
            limiter.recordRateLimited(requestStartedAt: item.operationStartedAt, now: now)
            if let retryAfter, retryAfter > 0 {
                let pausedFrom = max(now, limiter.pausedUntil)
                limiter.pause(until: now + min(retryAfter, policy.retryAfterCap))
                counters.rateLimitPauseSeconds += max(0, limiter.pausedUntil - pausedFrom)
            }
            if var tokens = shared {
                let pause = retryAfter.flatMap { $0 > 0 ? min($0, policy.retryAfterCap) : nil } ?? tokens.pauseSeconds
                let started = item.operationStartedAt
                if tokens.rateLimited(requestStartedAt: started, now: now, pausedUntil: now + pause) {
                    actions.append(.reportRateLimited(ageSeconds: max(0, now - started), pauseSeconds: pause))
                }
                shared = tokens
            }
        }
        item.lastFailureCountsForBreaker = Self.countsForBreaker(outcome)
        if item.lastFailureCountsForBreaker {
            noteBreakerFailure(outcome, into: &actions)
        }
        guard phase == .running else {
            putBack(item, into: &actions)
            return
        }
        if let outOfAttempts {
            giveUp(item, reason: "\(outOfAttempts); last: \(last)", into: &actions)
            return
        }
        let allowance = policy.retryBudget.allowance(firstAttempts: firstAttempts)
        guard Double(retriesGranted + 1) <= allowance else {
            giveUp(item, reason: "retry budget exhausted; last: \(last)", into: &actions)
            return
        }
        let wait = backoff.delay(retry: item.failures, retryAfter: retryAfter, using: &random)
        let readyAt = now + wait
        if let startedAt = item.startedAt, readyAt + policy.requestTimeout > startedAt + policy.itemBudget {
            var reason = "item budget exhausted (\(policy.itemBudget.formatted3) s)"
            if let retryAfter { reason += "; provider asked to retry after \(retryAfter.formatted3) s" }
            giveUp(item, reason: "\(reason); last: \(last)", into: &actions)
            return
        }
        retriesGranted += 1
        counters.retries += 1
        item.retryGranted = true
        enqueue(item, readyAt: readyAt, into: &actions)
    }

    /// `item` cannot be tried again: `unknown` if it may have been applied, else `failed`.
    ///
    /// A
    /// `failed` held back while the breaker's count runs after a transport failure or 5xx of
    /// its own (``ExecutorStateMachine`` explains why).
    mutating func giveUp(_ item: Item, reason: String, into actions: inout [Action]) {
        if item.lastFailureRunLevel && !item.possiblyApplied {
            // Not the row's fault: the account, endpoint or network failed it; `resume` sends it.
            finish(item, .pending, reason: reason, into: &actions)
            return
        }
        let state: FinalState = item.possiblyApplied ? .unknown : .failed
        if state == .failed && item.lastFailureCountsForBreaker && consecutiveFailures > 0 && phase == .running {
            items[item.seq] = item
            parked.append(Parked(item: item, state: state, reason: reason))
        } else {
            finish(item, state, reason: reason, into: &actions)
        }
    }
}
