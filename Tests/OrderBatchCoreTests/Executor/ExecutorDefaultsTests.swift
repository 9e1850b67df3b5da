import OrderBatchCore
import Testing

/// The shipped policy (a job file's defaults, through ``ExecutorPolicy/init(job:)``) against the
/// two providers it is tuned for: one that fails one request in five at random, and one that is down.
@Suite struct ExecutorDefaultsTests {
    /// One request in five fails at random: a 503, a refused connection, or a timeout after
    /// sending (half of which landed) that costs the whole request timeout. Preflights and
    /// reconciliations fail as often.
    static func flakyProvider(seed: UInt64, timeout: Double) -> SimulatedProvider {
        var provider = SimulatedProvider()
        provider.send = { seq, attempt, _ in
            let roll = chance(seed, seq, attempt)
            guard roll < 0.2 else { return .ok(latency: 0.02 + roll * 0.1) }
            switch Int(roll * 15) {
            case 0: return .status(503)
            case 1: return .refused
            default: return .timedOut(landed: chance(seed ^ 1, seq, attempt) < 0.5, after: timeout)
            }
        }
        provider.preflight = { seq, call, _ in
            chance(seed ^ 2, seq, call) < 0.2
                ? .failed(Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: 502)) : .proceed
        }
        provider.reconcileFailure = { seq, call, _ in
            chance(seed ^ 3, seq, call) < 0.2 ? Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: 500) : nil
        }
        return provider
    }

    @Test func theDefaultsAreOneSet() throws {
        // What `ExecutorPolicy()` gives is what a job file that leaves every limit out runs with;
        // only the provider's own defaults (concurrency, request timeout, rate windows) differ.
        var juspay = try ShippedPolicies.juspay
        #expect(juspay.requestTimeout == 1)
        juspay.requestTimeout = ExecutorPolicy.Defaults.requestTimeout
        #expect(juspay == ExecutorPolicy())
        #expect(
            try ShippedPolicies.rapyd
                == ExecutorPolicy(
                    concurrency: 4,
                    rateWindows: [RateWindow(limit: 190, seconds: 60), RateWindow(limit: 950, seconds: 300)]))
        let policy = ExecutorPolicy()
        #expect(policy.maxAttempts == 5)
        #expect(policy.maxRequestsPerItem == 7)
        #expect(policy.itemBudget == 60)
        #expect(policy.backoffBase == 0.25)
        #expect(policy.backoffMax == 30)
        #expect(policy.retryBudget == ExecutorPolicy.RetryBudget(ratio: 0.5, floor: 10))
        #expect(policy.breaker.consecutiveFailures == 20)
        #expect(policy.maxFailures == nil)
        #expect(policy.preflight)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func theShippedPolicyRidesOutOneFailureInFive(seed: UInt64) throws {
        let policy = try ShippedPolicies.juspay
        var simulation = ExecutorSimulation(
            policy: policy, count: 2000, provider: Self.flakyProvider(seed: seed, timeout: policy.requestTimeout),
            seed: seed)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.completed)
        // About one row in a thousand runs out of its 7 requests (see ShippedDefaultsFailureRateTests).
        #expect(simulation.count(.succeeded) >= 1990)
        #expect(
            simulation.count(.failed) + simulation.count(.unknown) <= 10, "\(simulation.reasons(.failed).prefix(5))")
        // No row applied twice, although the provider has no idempotency; every success applied once.
        #expect(simulation.applications.values.allSatisfy { $0 == 1 })
        #expect(
            simulation.finishes.filter { $0.value.state == .succeeded }.keys.allSatisfy {
                simulation.applications[$0] == 1
            })
        #expect(simulation.machine.counters.breakerTrips == 0)
        #expect(simulation.machine.counters.retries > 300)  // the faults really happened
    }

    @Test func theShippedPolicyStopsAnOutageOfErrorsWithinSeconds() throws {
        var provider = SimulatedProvider()
        provider.preflight = { _, _, _ in .failed(Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: 503)) }
        provider.send = { _, _, _ in .status(503) }
        var simulation = ExecutorSimulation(policy: try ShippedPolicies.juspay, count: 2000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped?.breakerCount == 20)
        #expect((simulation.endTime ?? .infinity) < 2)
        #expect(simulation.count(.failed) == 0)
        #expect(simulation.starts.count < 40)
        #expect(simulation.machine.counters.breakerTrips == 1)
    }

    @Test func theShippedRapydPolicyStopsARefusingProviderWithinSeconds() throws {
        var provider = SimulatedProvider()
        provider.preflight = { _, _, _ in .failed(SimulatedSend.refused.outcome) }
        var simulation = ExecutorSimulation(policy: try ShippedPolicies.rapyd, count: 2000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped?.breakerCount == 20)
        #expect((simulation.endTime ?? .infinity) < 10)
        #expect(simulation.count(.failed) == 0)
    }
}
