// MARK: - Dispatch, item flow and stopping

extension ExecutorStateMachine {
    /// Items the machine keeps claimed but not yet started, at most; it asks for more when
    /// half are gone.
    ///
    /// Four rounds of concurrency keep every slot busy between store claims.
    var prefetchTarget: Int { max(4 * policy.concurrency, 32) }

    /// After every event: start what may start, ask for items, finish the run, set the wake-up.
    mutating func pump(now: Double, into actions: inout [Action]) {
        if phase == .running {
            dispatch(now: now, into: &actions)
            requestItemsIfLow(into: &actions)
            requestTokensIfLow(now: now, into: &actions)
        }
        finishRunIfDone(into: &actions)
        scheduleWake(now: now, into: &actions)
        counters.inFlight = inFlight
        counters.consecutiveFailures = consecutiveFailures
        counters.allowedRate = limiter.allowedRate
    }

    /// The next item to start: a retry whose wait is over before a fresh item.
    private func nextCandidate(now: Double) -> Int64? {
        if let due = delayed.first, due.readyAt <= now { return due.seq }
        return fresh.first
    }

    private mutating func popCandidate(_ seq: Int64) {
        if let due = delayed.first, due.seq == seq {
            _ = delayed.popFirst()
        } else {
            _ = fresh.popFirst()
        }
    }

    private mutating func dispatch(now: Double, into actions: inout [Action]) {
        while phase == .running && inFlight < policy.concurrency, let seq = nextCandidate(now: now) {
            guard var item = items[seq] else {
                popCandidate(seq)
                continue
            }
            if item.step == .send && item.totalSends >= policy.maxAttempts {
                popCandidate(seq)
                giveUp(item, reason: "gave up after \(item.totalSends) attempts", into: &actions)
                continue
            }
            if item.requests >= policy.maxRequestsPerItem {
                popCandidate(seq)
                giveUp(item, reason: "gave up after \(item.requests) requests for this row", into: &actions)
                continue
            }
            if let startedAt = item.startedAt, now + policy.requestTimeout > startedAt + policy.itemBudget {
                popCandidate(seq)
                giveUp(item, reason: "item budget exhausted (\(policy.itemBudget.formatted3) s)", into: &actions)
                continue
            }
            guard limiter.canStart(now: now), shared?.available(now: now) ?? 1 > 0 else { break }
            popCandidate(seq)
            _ = shared?.take(now: now)

            if item.startedAt == nil {
                item.startedAt = now
                counters.itemsStarted += 1
            }
            if item.retryGranted {
                item.retryGranted = false
            } else {
                firstAttempts += 1
            }
            limiter.recordStart(at: now)
            item.requests += 1
            item.operationStartedAt = now
            item.inFlight = true
            inFlight += 1
            counters.operationsStarted += 1
            switch item.step {
            case .preflight:
                counters.preflights += 1
                actions.append(.preflight(seq: seq))
            case .reconcile:
                counters.reconciles += 1
                actions.append(.reconcile(seq: seq))
            case .send:
                item.sends += 1
                counters.sends += 1
                actions.append(.send(seq: seq, attempt: item.totalSends))
            }
            items[seq] = item
        }
    }

    private mutating func requestItemsIfLow(into actions: inout [Action]) {
        guard !exhausted, !requestOutstanding, fresh.count <= prefetchTarget / 2 else { return }
        requestOutstanding = true
        actions.append(.requestItems(count: prefetchTarget - fresh.count))
    }

    /// With a shared rate limit: asks for a batch of tokens when few are held and an item is ready to start.
    private mutating func requestTokensIfLow(now: Double, into actions: inout [Action]) {
        guard shared != nil, inFlight < policy.concurrency, nextCandidate(now: now) != nil,
            let count = shared?.wanted(now: now, rate: limiter.allowedRate, concurrency: policy.concurrency),
            let returning = shared?.requested(now: now)
        else { return }
        actions.append(.takeTokens(count: count, returning: returning))
    }

    private mutating func finishRunIfDone(into actions: inout [Action]) {
        switch phase {
        case .stopping:
            guard inFlight == 0, !requestOutstanding, let stopReason else { return }
            phase = .done
            actions.append(.stopped(stopReason))
        case .running:
            guard exhausted, !requestOutstanding, inFlight == 0, fresh.isEmpty, delayed.isEmpty else { return }
            // The run is over with a breaker count that never reached its limit: the held
            // items' failures were their own.
            releaseParked(into: &actions, checkingFailureLimit: false)
            phase = .done
            actions.append(.completed)
        case .idle, .done:
            return
        }
    }

    private mutating func scheduleWake(now: Double, into actions: inout [Action]) {
        guard phase == .running else {
            lastWake = nil
            return
        }
        var wake: Double?
        func consider(_ time: Double) {
            if time > now, wake.map({ time < $0 }) ?? true { wake = time }
        }
        if inFlight < policy.concurrency {
            if let due = delayed.first, due.readyAt <= now {
                consider(limiter.earliestStart(now: now))
            } else if !fresh.isEmpty {
                consider(limiter.earliestStart(now: now))
            } else if let next = delayed.first {
                consider(max(next.readyAt, limiter.earliestStart(now: now)))
            }
        }
        if inFlight < policy.concurrency, nextCandidate(now: now) != nil, let retry = shared?.wakeTime(now: now) {
            consider(retry)
        }
        if let deadline = policy.runDeadline { consider(deadline) }
        if let wake, wake != lastWake {
            actions.append(.wake(at: wake))
        }
        lastWake = wake
    }

    // MARK: - Items

    /// Removes `seq` from the in-flight operations if it is there with `step`.
    mutating func takeInFlight(_ seq: Int64, step: Step) -> Item? {
        guard phase == .running || phase == .stopping,
            var item = items[seq], item.inFlight, item.step == step
        else { return nil }
        item.inFlight = false
        items[seq] = item
        inFlight -= 1
        return item
    }

    /// Queues `item` to start at `readyAt`, or puts it back when the run is stopping.
    mutating func enqueue(_ item: Item, readyAt: Double, into actions: inout [Action]) {
        guard phase == .running else {
            putBack(item, into: &actions)
            return
        }
        items[item.seq] = item
        delayed.insert(item.seq, readyAt: readyAt)
    }

    /// Lets go of `item` in `state`; a `failed` item may stop the run (`maxFailures`).
    mutating func finish(
        _ item: Item, _ state: FinalState, reason: String?, checkingFailureLimit: Bool = true,
        into actions: inout [Action]
    ) {
        items[item.seq] = nil
        switch state {
        case .succeeded: counters.succeeded += 1
        case .failed: counters.failed += 1
        case .skipped: counters.skipped += 1
        case .unknown: counters.unknown += 1
        case .pending: counters.pending += 1
        }
        actions.append(.finish(seq: item.seq, state: state, reason: reason))
        if state == .failed {
            failedTotal += 1
            if checkingFailureLimit, let limit = policy.maxFailures, phase == .running,
                limit.isExceeded(failed: failedTotal, total: totalItems)
            {
                beginStop(.maxFailures(failed: failedTotal, limit: limit), into: &actions)
            }
        }
    }

    /// Hands `item` back to the store for `resume`: `unknown` if it may have been applied.
    mutating func putBack(_ item: Item, into actions: inout [Action]) {
        let why = stopReason.map { "stopped: \($0)" } ?? "stopped"
        finish(item, item.possiblyApplied ? .unknown : .pending, reason: why, into: &actions)
    }

    /// Checks the run deadline.
    mutating func checkDeadline(now: Double, into actions: inout [Action]) {
        if phase == .running, let deadline = policy.runDeadline, now >= deadline {
            beginStop(.deadline, into: &actions)
        }
    }

    /// Stops dispatching and puts every waiting item back.
    mutating func beginStop(_ reason: StopReason, into actions: inout [Action]) {
        guard phase == .running else { return }
        phase = .stopping
        stopReason = reason
        if case .circuitBreaker = reason { counters.breakerTrips += 1 }
        for seq in fresh.drain() + delayed.drain() {
            if let item = items[seq] { putBack(item, into: &actions) }
        }
        let held = parked
        parked = []
        for entry in held { putBack(entry.item, into: &actions) }
    }
}
