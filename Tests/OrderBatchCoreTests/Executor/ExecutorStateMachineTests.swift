import OrderBatchCore
import Testing

/// Step-by-step: each event and the exact actions it returns.
@Suite struct ExecutorStateMachineTests {
    typealias Machine = ExecutorStateMachine

    static let ok = Outcome(kind: .succeeded, httpStatus: 200)
    static let unavailable = Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: 503, errorCode: "E503")
    static let timedOut = Outcome(
        kind: .retryable(retryAfterSeconds: nil), errorCode: "timed_out", mayHaveBeenApplied: true)
    static let badRequest = Outcome(
        kind: .permanent, httpStatus: 400, errorCode: "INVALID_AMOUNT", message: "amount must be positive")

    static func policy(
        concurrency: Int = 4, preflight: Bool = false, maxAttempts: Int = 12,
        maxFailures: ExecutorPolicy.FailureLimit? = nil,
        runDeadline: Double? = nil, itemBudget: Double = 300, requestTimeout: Double = 30
    ) -> ExecutorPolicy {
        ExecutorPolicy(
            concurrency: concurrency, requestTimeout: requestTimeout, itemBudget: itemBudget, runDeadline: runDeadline,
            maxAttempts: maxAttempts, maxFailures: maxFailures, preflight: preflight)
    }

    /// A machine that has started and been offered `items`.
    static func started(_ policy: ExecutorPolicy, items: [WorkItem]) -> (Machine, [Machine.Action]) {
        var machine = Machine(policy: policy, totalItems: items.count, seed: 1)
        let first = machine.start(now: 0)
        #expect(first == [.requestItems(count: 32)])
        let actions = machine.itemsOffered(items, now: 0)
        return (machine, actions)
    }

    static func sends(_ actions: [Machine.Action]) -> [Int64] {
        actions.compactMap { if case .send(let seq, _) = $0 { return seq } else { return nil } }
    }

    static func wake(_ actions: [Machine.Action]) -> Double? {
        actions.compactMap { if case .wake(let at) = $0 { return at } else { return nil } }.last
    }

    @Test func preflightThenSendThenSucceedThenComplete() {
        var (machine, actions) = Self.started(Self.policy(preflight: true), items: [WorkItem(seq: 1)])
        #expect(actions == [.preflight(seq: 1), .requestItems(count: 32)])
        #expect(machine.noMoreItems(now: 0) == [])
        #expect(machine.preflightFinished(seq: 1, result: .proceed, now: 0.1) == [.send(seq: 1, attempt: 1)])
        #expect(
            machine.attemptFinished(seq: 1, outcome: Self.ok, now: 0.2) == [
                .finish(seq: 1, state: .succeeded, reason: nil), .completed,
            ])
        #expect(machine.isFinished)
        #expect(machine.tick(now: 1) == [])
        #expect(machine.counters.succeeded == 1 && machine.counters.preflights == 1 && machine.counters.sends == 1)
    }

    @Test func preflightSkipAndRejectEndTheItemWithoutSending() {
        var (machine, actions) = Self.started(
            Self.policy(preflight: true), items: [WorkItem(seq: 1), WorkItem(seq: 2)])
        #expect(actions.prefix(2) == [.preflight(seq: 1), .preflight(seq: 2)])
        #expect(
            machine.preflightFinished(seq: 1, result: .skip(reason: "order is CHARGED"), now: 1)
                == [.finish(seq: 1, state: .skipped, reason: "order is CHARGED")])
        _ = machine.noMoreItems(now: 1)
        #expect(
            machine.preflightFinished(
                seq: 2, result: .reject(errorCode: "TAX_ON_PAID", reason: "tax_percent on a paid order"), now: 1)
                == [.finish(seq: 2, state: .failed, reason: "TAX_ON_PAID: tax_percent on a paid order"), .completed])
        #expect(machine.counters.sends == 0)
    }

    @Test func anItemAlreadySentIsNotPreflightedAgain() {
        let (_, actions) = Self.started(Self.policy(preflight: true), items: [WorkItem(seq: 7, attemptsSoFar: 2)])
        #expect(actions.first == .send(seq: 7, attempt: 3))
    }

    @Test func reconcileInEffectSucceedsWithoutSending() {
        var (machine, actions) = Self.started(
            Self.policy(preflight: true), items: [WorkItem(seq: 5, needsReconcile: true, attemptsSoFar: 1)])
        #expect(actions.first == .reconcile(seq: 5))
        _ = machine.noMoreItems(now: 0)
        #expect(
            machine.reconcileFinished(seq: 5, result: .inEffect, now: 1) == [
                .finish(seq: 5, state: .succeeded, reason: "already in effect (reconciled)"), .completed,
            ])
        #expect(machine.counters.sends == 0)
    }

    @Test func reconcileNotInEffectSendsWithTheNextAttemptAndNoPreflight() {
        var (machine, _) = Self.started(
            Self.policy(preflight: true), items: [WorkItem(seq: 5, needsReconcile: true, attemptsSoFar: 1)])
        #expect(machine.reconcileFinished(seq: 5, result: .notInEffect, now: 1) == [.send(seq: 5, attempt: 2)])
    }

    @Test func aReconcileThatCannotTellLeavesTheItemUnknownNeverFailed() {
        var (machine, _) = Self.started(
            Self.policy(), items: [WorkItem(seq: 5, needsReconcile: true, attemptsSoFar: 1)])
        let actions = machine.reconcileFinished(seq: 5, result: .failed(Self.badRequest), now: 1)
        #expect(
            actions.first
                == .finish(
                    seq: 5, state: .unknown,
                    reason: "reconciliation failed: HTTP 400 INVALID_AMOUNT: amount must be positive"))
        #expect(machine.counters.failed == 0)
    }

    @Test func permanentOutcomesAreNotRetried() {
        var (machine, actions) = Self.started(Self.policy(), items: [WorkItem(seq: 1)])
        #expect(actions.first == .send(seq: 1, attempt: 1))
        #expect(
            machine.attemptFinished(seq: 1, outcome: Self.badRequest, now: 1).first
                == .finish(seq: 1, state: .failed, reason: "HTTP 400 INVALID_AMOUNT: amount must be positive"))
        #expect(machine.counters.retries == 0)
    }

    @Test func retryableOutcomesAreRetriedAfterABackoffWithTheNextAttempt() {
        var (machine, _) = Self.started(Self.policy(), items: [WorkItem(seq: 1)])
        let actions = machine.attemptFinished(seq: 1, outcome: Self.unavailable, now: 1)
        let wake = Self.wake(actions) ?? -1
        #expect(wake > 1 && wake <= 1.25)  // full jitter within backoffBase
        #expect(Self.sends(actions) == [])
        #expect(machine.tick(now: wake - 0.001).isEmpty)
        #expect(machine.tick(now: wake).contains(.send(seq: 1, attempt: 2)))
        #expect(machine.counters.retries == 1)
    }

    @Test func aTimeoutIsReconciledBeforeTheItemIsSentAgain() {
        var (machine, _) = Self.started(Self.policy(), items: [WorkItem(seq: 1)])
        let wake = Self.wake(machine.attemptFinished(seq: 1, outcome: Self.timedOut, now: 30)) ?? 0
        #expect(machine.tick(now: wake).contains(.reconcile(seq: 1)))
        #expect(
            machine.reconcileFinished(seq: 1, result: .notInEffect, now: wake + 1).contains(.send(seq: 1, attempt: 2)))
    }

    @Test func outOfAttemptsAfterATimeoutIsUnknownNotFailed() {
        var (machine, _) = Self.started(Self.policy(maxAttempts: 1), items: [WorkItem(seq: 1)])
        let actions = machine.attemptFinished(seq: 1, outcome: Self.timedOut, now: 30)
        #expect(actions.first == .finish(seq: 1, state: .unknown, reason: "gave up after 1 attempts; last: timed_out"))
    }

    @Test func outOfAttemptsAfterAnErrorIsFailedOnceTheProviderAnswersAgain() {
        var (machine, _) = Self.started(Self.policy(maxAttempts: 1), items: [WorkItem(seq: 1), WorkItem(seq: 2)])
        // Held back: the breaker's count is running, this may be an outage.
        #expect(Self.sends(machine.attemptFinished(seq: 1, outcome: Self.unavailable, now: 1)) == [])
        #expect(machine.counters.failed == 0)
        // Item 2 succeeds: not an outage, item 1 failed on its own.
        let actions = machine.attemptFinished(seq: 2, outcome: Self.ok, now: 2)
        #expect(
            actions.contains(.finish(seq: 1, state: .failed, reason: "gave up after 1 attempts; last: HTTP 503 E503")))
        #expect(actions.contains(.finish(seq: 2, state: .succeeded, reason: nil)))
    }

    @Test func concurrencyBoundsOperationsInFlight() {
        var (machine, actions) = Self.started(Self.policy(concurrency: 3), items: (1...10).map { WorkItem(seq: $0) })
        #expect(Self.sends(actions) == [1, 2, 3])
        #expect(machine.counters.inFlight == 3)
        #expect(Self.sends(machine.tick(now: 5)) == [])
        #expect(Self.sends(machine.attemptFinished(seq: 2, outcome: Self.ok, now: 1)) == [4])
    }

    @Test func theMachineAsksForItemsWhenItsBufferRunsLow() {
        var (machine, actions) = Self.started(Self.policy(concurrency: 1), items: (1...32).map { WorkItem(seq: $0) })
        #expect(actions == [.send(seq: 1, attempt: 1)])  // 31 still buffered: no request yet
        var requested: [Machine.Action] = []
        for seq in Int64(1)...15 {
            requested += machine.attemptFinished(seq: seq, outcome: Self.ok, now: Double(seq)).filter {
                if case .requestItems = $0 { return true } else { return false }
            }
        }
        #expect(requested == [.requestItems(count: 16)])
    }

    @Test func stopPutsWaitingItemsBackAndWaitsForInFlight() {
        let items = [WorkItem(seq: 1), WorkItem(seq: 2), WorkItem(seq: 3, needsReconcile: true, attemptsSoFar: 1)]
        var (machine, actions) = Self.started(Self.policy(concurrency: 1), items: items)
        #expect(actions == [.send(seq: 1, attempt: 1), .requestItems(count: 30)])
        let stop = machine.stop(.signal, now: 1)
        #expect(
            stop == [
                .finish(seq: 2, state: .pending, reason: "stopped: interrupted by a signal"),
                .finish(seq: 3, state: .unknown, reason: "stopped: interrupted by a signal"),
            ])
        // The item request is still outstanding: the driver's answer comes back untouched.
        #expect(
            machine.itemsOffered([WorkItem(seq: 4)], now: 1.5) == [
                .finish(seq: 4, state: .pending, reason: "stopped: interrupted by a signal")
            ])
        #expect(machine.stop(.deadline, now: 1.6) == [])  // the first reason stands
        // In flight finishes; a retryable result is put back rather than retried.
        #expect(
            machine.attemptFinished(seq: 1, outcome: Self.timedOut, now: 2) == [
                .finish(seq: 1, state: .unknown, reason: "stopped: interrupted by a signal"), .stopped(.signal),
            ])
        #expect(machine.stopReason == .signal)
        #expect(machine.counters.failed == 0)
    }

    @Test func aSuccessInFlightAtAStopStillCounts() {
        var (machine, _) = Self.started(Self.policy(concurrency: 1), items: [WorkItem(seq: 1)])
        _ = machine.noMoreItems(now: 0)
        #expect(machine.stop(.signal, now: 1) == [])
        #expect(
            machine.attemptFinished(seq: 1, outcome: Self.ok, now: 2) == [
                .finish(seq: 1, state: .succeeded, reason: nil), .stopped(.signal),
            ])
    }

    @Test func theDeadlineWakesTheDriverAndStopsTheRun() {
        var machine = Machine(policy: Self.policy(concurrency: 1, runDeadline: 10), totalItems: 2, seed: 1)
        #expect(machine.start(now: 0) == [.requestItems(count: 32), .wake(at: 10)])
        let actions = machine.itemsOffered([WorkItem(seq: 1), WorkItem(seq: 2)], now: 0)
        #expect(actions.first == .send(seq: 1, attempt: 1))
        #expect(machine.noMoreItems(now: 0) == [])
        #expect(
            machine.tick(now: 10) == [
                .finish(seq: 2, state: .pending, reason: "stopped: the run deadline passed")
            ])
        #expect(
            machine.attemptFinished(seq: 1, outcome: Self.ok, now: 12) == [
                .finish(seq: 1, state: .succeeded, reason: nil), .stopped(.deadline),
            ])
    }

    @Test func aDeadlineAlreadyPastStopsBeforeAnythingStarts() {
        var machine = Machine(policy: Self.policy(runDeadline: 10), totalItems: 2, seed: 1)
        #expect(machine.start(now: 11) == [.stopped(.deadline)])
    }

    @Test func retryAfterIsHonouredAndCapped() {
        var (machine, _) = Self.started(Self.policy(), items: [WorkItem(seq: 1), WorkItem(seq: 2)])
        let asks = Outcome(kind: .retryable(retryAfterSeconds: 7), httpStatus: 503)
        #expect(Self.wake(machine.attemptFinished(seq: 1, outcome: asks, now: 1)) == 8)
        let tenHours = Outcome(kind: .retryable(retryAfterSeconds: 36_000), httpStatus: 503)
        let actions = machine.attemptFinished(seq: 2, outcome: tenHours, now: 2)
        #expect(Self.sends(actions) == [])
        #expect(Self.sends(machine.tick(now: 8)) == [1])
        #expect(Self.sends(machine.tick(now: 61.9)) == [])
        #expect(Self.sends(machine.tick(now: 62)) == [2])
    }

    @Test func aRateLimitRefusalWithRetryAfterPausesTheWholeRun() {
        var (machine, _) = Self.started(Self.policy(concurrency: 1), items: (1...3).map { WorkItem(seq: $0) })
        let refused = Outcome(kind: .retryable(retryAfterSeconds: 5), httpStatus: 429)
        let actions = machine.attemptFinished(seq: 1, outcome: refused, now: 1)
        // Item 2 is not sent into the limit: nothing starts before 1 + 5.
        #expect(Self.sends(actions) == [])
        #expect(Self.wake(actions) == 6)
        #expect(Self.sends(machine.tick(now: 6)) == [1])  // the retry first
        #expect(machine.counters.rateLimited == 1)
        #expect(machine.rateLimiter.allowedRate != nil)  // a ceiling now exists
    }

    @Test func aRetryAfterBeyondTheItemBudgetFailsTheItem() {
        var (machine, _) = Self.started(Self.policy(itemBudget: 60), items: [WorkItem(seq: 1), WorkItem(seq: 2)])
        _ = machine.attemptFinished(seq: 2, outcome: Self.ok, now: 0.5)  // the provider is up
        let asks = Outcome(kind: .retryable(retryAfterSeconds: 45), httpStatus: 409)
        #expect(
            machine.attemptFinished(seq: 1, outcome: asks, now: 1).first
                == .finish(
                    seq: 1, state: .failed,
                    reason: "item budget exhausted (60 s); provider asked to retry after 45 s; last: HTTP 409"))
    }

    @Test func noAttemptStartsThatCouldNotFinishWithinTheItemBudget() {
        var (machine, _) = Self.started(
            Self.policy(itemBudget: 100, requestTimeout: 30), items: [WorkItem(seq: 1), WorkItem(seq: 2)])
        _ = machine.attemptFinished(seq: 2, outcome: Self.ok, now: 1)
        // Attempts that each time out after 30 s: the third would end at 30·3 + backoff > 100.
        var now = 30.0
        var finish: Machine.Action?
        let slow = Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: 408)
        for _ in 0..<5 {
            let actions = machine.attemptFinished(seq: 1, outcome: slow, now: now)
            if let done = actions.first(where: { if case .finish = $0 { return true } else { return false } }) {
                finish = done
                break
            }
            let wake = Self.wake(actions) ?? now
            #expect(Self.sends(machine.tick(now: wake)) == [1])
            now = wake + 30
            #expect(now <= 100)
        }
        #expect(finish == .finish(seq: 1, state: .failed, reason: "item budget exhausted (100 s); last: HTTP 408"))
    }

    @Test func maxFailuresCountStopsTheRun() {
        var (machine, _) = Self.started(
            Self.policy(concurrency: 2, maxFailures: .count(1)), items: (1...5).map { WorkItem(seq: $0) })
        _ = machine.noMoreItems(now: 0)
        #expect(machine.attemptFinished(seq: 1, outcome: Self.badRequest, now: 1).contains(.send(seq: 3, attempt: 1)))
        let actions = machine.attemptFinished(seq: 2, outcome: Self.badRequest, now: 2)
        #expect(
            actions.contains(.finish(seq: 4, state: .pending, reason: "stopped: 2 rows failed, past --max-failures 1")))
        #expect(Self.sends(actions) == [])
        #expect(
            machine.attemptFinished(seq: 3, outcome: Self.ok, now: 3).last
                == .stopped(.maxFailures(failed: 2, limit: .count(1))))
    }

    @Test func maxFailuresPercentCountsEarlierProcessesAgainstTheRunsTotal() {
        var machine = Machine(
            policy: Self.policy(concurrency: 1, maxFailures: .percent(10)), totalItems: 100, failedSoFar: 10, seed: 1)
        _ = machine.start(now: 0)
        _ = machine.itemsOffered([WorkItem(seq: 50), WorkItem(seq: 51)], now: 0)
        _ = machine.noMoreItems(now: 0)
        let actions = machine.attemptFinished(seq: 50, outcome: Self.badRequest, now: 1)
        #expect(actions.contains(.stopped(.maxFailures(failed: 11, limit: .percent(10)))))
    }

    @Test func stalePreviousEventsAreIgnored() {
        var (machine, _) = Self.started(Self.policy(), items: [WorkItem(seq: 1)])
        #expect(machine.attemptFinished(seq: 99, outcome: Self.ok, now: 1) == [])
        #expect(machine.reconcileFinished(seq: 1, result: .inEffect, now: 1) == [])  // 1 is sending
        #expect(machine.counters.inFlight == 1)
    }
}
