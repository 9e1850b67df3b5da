import OrderBatchCore
import Testing

/// Whole runs on a simulated clock against simulated providers.
@Suite struct ExecutorSimulationTests {
    static let rapyd = [RateWindow(limit: 200, seconds: 60), RateWindow(limit: 1000, seconds: 300)]

    /// The items a resume would offer: pending ones as they are, unknown ones to reconcile.
    static func resumable(_ simulation: ExecutorSimulation) -> [WorkItem] {
        var attempts: [Int64: Int] = [:]
        for operation in simulation.operations {
            if case .send(let attempt) = operation.operation { attempts[operation.seq] = attempt }
        }
        let finished = simulation.finishes
        let untouched = simulation.supply.filter { finished[$0.seq] == nil }
        let putBack = finished.keys.sorted().compactMap { seq -> WorkItem? in
            switch finished[seq]?.state {
            case .pending: return WorkItem(seq: seq, attemptsSoFar: attempts[seq] ?? 0)
            case .unknown: return WorkItem(seq: seq, needsReconcile: true, attemptsSoFar: attempts[seq] ?? 0)
            default: return nil
            }
        }
        return putBack + untouched
    }

    @Test func rapydWindowsAndConcurrencyHoldOverTwoThousandItems() {
        let policy = ExecutorPolicy(concurrency: 16, rateWindows: Self.rapyd)
        var simulation = ExecutorSimulation(policy: policy, count: 2000, provider: SimulatedProvider(latency: 0.3))
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.completed)
        #expect(simulation.count(.succeeded) == 2000)
        #expect(simulation.starts.count == 4000)  // preflight + send each
        for window in Self.rapyd {
            #expect(simulation.windowViolation(window) == nil)
        }
        // Close to the windows' 3.33 per second: 4000 starts in about 1200 s.
        #expect((simulation.endTime ?? 0) > 1190 && (simulation.endTime ?? 0) < 1215)
    }

    @Test func concurrencyIsReachedButNeverExceeded() {
        var provider = SimulatedProvider()
        provider.send = { seq, attempt, _ in .ok(latency: 0.01 + chance(5, seq, attempt)) }
        var simulation = ExecutorSimulation(policy: ExecutorPolicy(concurrency: 7), count: 1000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.maxInFlight == 7)
        #expect(simulation.count(.succeeded) == 1000)
    }

    @Test func flakyProviderBehindRapydLimitsStillFinishesWithinTheWindows() {
        // Twelve attempts and a long item budget, so that every row succeeds: this is about the windows
        // (ExecutorDefaultsTests covers what the shipped attempts ride out).
        let policy = ExecutorPolicy(concurrency: 16, rateWindows: Self.rapyd, itemBudget: 300, maxAttempts: 12)
        var simulation = ExecutorSimulation(
            policy: policy, count: 500,
            provider: ExecutorDefaultsTests.flakyProvider(seed: 9, timeout: policy.requestTimeout), seed: 9)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.count(.succeeded) == 500)
        #expect(simulation.applications.values.allSatisfy { $0 == 1 })
        for window in Self.rapyd {
            #expect(simulation.windowViolation(window) == nil)
        }
    }

    /// The provider refuses (429) any request past 20 starts in the last second; the job names
    /// no window, so AIMD must find the limit.
    @Test func aimdFindsAnUnpublishedLimit() {
        final class Recent { var accepted: [Double] = [] }
        let recent = Recent()
        var provider = SimulatedProvider(latency: 0.05)
        provider.send = { _, _, now in
            recent.accepted.removeAll { $0 <= now - 1 }
            guard recent.accepted.count < 20 else { return .status(429) }
            recent.accepted.append(now)
            return .ok()
        }
        let policy = ExecutorPolicy(concurrency: 16, preflight: false)
        var simulation = ExecutorSimulation(policy: policy, count: 3000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.count(.succeeded) == 3000)
        let counters = simulation.machine.counters
        #expect(counters.rateLimited > 0)
        // Without AIMD, 16 requests every 50 ms would be refused 15 times in 16.
        #expect(counters.rateLimited < 300, "\(counters.rateLimited) refusals for 3000 rows")
        let throughput = 3000 / (simulation.endTime ?? .infinity)
        #expect(throughput > 12 && throughput <= 20, "\(throughput) rows/s")
    }

    /// A 429 burst between 20 s and 25 s: throughput drops, then climbs back to the window.
    @Test func aimdSlowsOnRefusalsAndRecovers() {
        var provider = SimulatedProvider(latency: 0.05)
        provider.send = { _, _, now in now >= 20 && now < 25 ? .status(429) : .ok() }
        let policy = ExecutorPolicy(
            concurrency: 8, rateWindows: [RateWindow(limit: 600, seconds: 60)], preflight: false)
        var simulation = ExecutorSimulation(policy: policy, count: 900, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.count(.succeeded) == 900)
        func rate(_ from: Double, _ to: Double) -> Double {
            Double(simulation.starts.filter { $0 >= from && $0 < to }.count) / (to - from)
        }
        #expect(abs(rate(5, 20) - 10) < 0.5)
        #expect(rate(25, 30) < 3, "\(rate(25, 30))")
        #expect(abs(rate(60, 80) - 10) < 0.5, "\(rate(60, 80))")
        #expect(simulation.machine.counters.rateLimited > 0)
        #expect(simulation.machine.rateLimiter.allowedRate == 10)
    }

    /// Half the requests come back 409 (retryable, and nothing the breaker counts): the
    /// retry budget, not `maxAttempts`, bounds the extra load.
    @Test func theRetryBudgetStopsARetryStorm() {
        var provider = SimulatedProvider()
        provider.send = { seq, attempt, _ in chance(11, seq, attempt) < 0.5 ? .status(409) : .ok() }
        // Twelve attempts: few rows reach them (0.5¹²), so every failure is the budget's.
        let policy = ExecutorPolicy(concurrency: 8, maxAttempts: 12, preflight: false)
        var simulation = ExecutorSimulation(policy: policy, count: 2000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.completed)
        let counters = simulation.machine.counters
        let firstAttempts = counters.operationsStarted - counters.retries
        #expect(Double(counters.retries) <= 10 + 0.5 * Double(firstAttempts))
        #expect(Double(counters.retries) >= 0.45 * Double(firstAttempts))  // the budget was used
        let exhausted = simulation.reasons(.failed).filter { $0.hasPrefix("retry budget exhausted") }
        #expect(exhausted.count > 100)
        #expect(exhausted.count == simulation.count(.failed))
        #expect(simulation.count(.succeeded) + simulation.count(.failed) == 2000)
    }

    @Test func anOutageStopsTheRunResumablyAndResumeFinishesIt() {
        // Down until t = 100: every request times out after 5 s; half the sends landed anyway.
        var provider = SimulatedProvider()
        provider.send = { seq, attempt, now in
            now < 100 ? .timedOut(landed: chance(21, seq, attempt) < 0.5, after: 5) : .ok()
        }
        provider.reconcileFailure = { _, _, now in
            now < 100 ? Outcome(kind: .retryable(retryAfterSeconds: nil), errorCode: "timed_out") : nil
        }
        let policy = ExecutorPolicy(concurrency: 8, requestTimeout: 5, preflight: false)
        var first = ExecutorSimulation(policy: policy, count: 500, provider: provider)
        first.run()
        #expect(first.violations == [])
        #expect(first.stopped?.breakerCount == 20)
        #expect((first.endTime ?? .infinity) < 20)
        #expect(first.count(.failed) == 0)
        #expect(first.count(.unknown) > 0)
        #expect(first.count(.succeeded) == 0)

        // Resume after the outage, the provider's state carried over.
        var second = ExecutorSimulation(policy: policy, items: Self.resumable(first), provider: provider)
        second.applications = first.applications
        second.now = 200
        second.run()
        #expect(second.violations == [])
        #expect(second.completed)
        #expect(second.count(.succeeded) == 500)
        #expect(second.applications.count == 500)
        #expect(second.applications.values.allSatisfy { $0 == 1 })
        #expect(second.machine.counters.reconciles == first.count(.unknown))
    }

    @Test func theDeadlineStopsNewWorkAndLetsInFlightFinish() {
        let policy = ExecutorPolicy(concurrency: 4, rateWindows: Self.rapyd, runDeadline: 100)
        var simulation = ExecutorSimulation(policy: policy, count: 2000, provider: SimulatedProvider(latency: 2))
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped == .deadline)
        #expect(simulation.starts.allSatisfy { $0 < 100 })
        #expect((simulation.endTime ?? .infinity) <= 102)
        #expect(simulation.count(.succeeded) >= 95)  // two operations of 2 s, four at a time
        #expect(simulation.count(.failed) == 0)
        #expect(simulation.count(.pending) > 0)
        #expect(simulation.count(.succeeded) + simulation.count(.pending) == simulation.finishes.count)
    }

    @Test func aSignalMidRunThenResumeAppliesEveryRowOnce() {
        // Twelve attempts, so that no row fails: this is about the resume (ExecutorDefaultsTests covers
        // what the shipped attempts ride out).
        let policy = ExecutorPolicy(concurrency: 8, itemBudget: 300, maxAttempts: 12)
        var provider = ExecutorDefaultsTests.flakyProvider(seed: 4, timeout: policy.requestTimeout)
        let flakySend = provider.send
        provider.send = { seq, attempt, now in flakySend(seq, attempt, now) }
        var first = ExecutorSimulation(policy: policy, count: 1000, provider: provider, seed: 4)
        first.scheduledStop = (60, .signal)
        first.run()
        #expect(first.violations == [])
        #expect(first.stopped == .signal)
        #expect(first.count(.failed) == 0)

        var second = ExecutorSimulation(policy: policy, items: Self.resumable(first), provider: provider, seed: 5)
        second.applications = first.applications
        second.now = 500
        second.run()
        #expect(second.violations == [])
        #expect(second.completed)
        #expect(first.count(.succeeded) + second.count(.succeeded) == 1000)
        #expect(second.applications.count == 1000)
        #expect(second.applications.values.allSatisfy { $0 == 1 })
    }

    @Test func maxFailuresPercentStopsARunOfBadRows() {
        var provider = SimulatedProvider()
        provider.send = { seq, _, _ in seq % 10 == 0 ? .status(400) : .ok() }
        let policy = ExecutorPolicy(concurrency: 8, maxFailures: .percent(5), preflight: false)
        var simulation = ExecutorSimulation(policy: policy, count: 2000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped == .maxFailures(failed: 101, limit: .percent(5)))
        #expect(simulation.count(.failed) >= 101 && simulation.count(.failed) <= 101 + 8)
        #expect(simulation.count(.pending) > 0)
    }

    @Test func permanentFailuresAloneNeverTripTheBreaker() {
        var provider = SimulatedProvider()
        provider.send = { _, _, _ in .status(422) }
        var simulation = ExecutorSimulation(
            policy: ExecutorPolicy(preflight: false), count: 300, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.completed)
        #expect(simulation.count(.failed) == 300)
        #expect(simulation.machine.counters.retries == 0)
    }
}
