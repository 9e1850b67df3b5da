import OrderBatchCore
import Testing

/// The default policy against the two providers it is tuned for: one that fails one request
/// in five at random, and one that is down.
@Suite struct ExecutorDefaultsTests {
    /// One request in five fails at random: a 503, a refused connection, or a timeout after
    /// sending (half of which landed). Preflights and reconciliations fail as often.
    static func flakyProvider(seed: UInt64) -> SimulatedProvider {
        var provider = SimulatedProvider()
        provider.send = { seq, attempt, _ in
            let roll = chance(seed, seq, attempt)
            guard roll < 0.2 else { return .ok(latency: 0.02 + roll * 0.1) }
            switch Int(roll * 15) {
            case 0: return .status(503)
            case 1: return .refused
            default: return .timedOut(landed: chance(seed ^ 1, seq, attempt) < 0.5, after: 30)
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

    @Test(arguments: [UInt64(1), 2, 3])
    func defaultsRideOutOneFailureInFive(seed: UInt64) {
        var simulation = ExecutorSimulation(
            policy: ExecutorPolicy(), count: 2000, provider: Self.flakyProvider(seed: seed), seed: seed)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.completed)
        #expect(simulation.count(.succeeded) == 2000)
        #expect(simulation.count(.failed) == 0, "\(simulation.reasons(.failed).prefix(5))")
        #expect(simulation.count(.unknown) == 0, "\(simulation.reasons(.unknown).prefix(5))")
        // Every row applied exactly once, although the provider has no idempotency.
        #expect(simulation.applications.count == 2000)
        #expect(simulation.applications.values.allSatisfy { $0 == 1 })
        #expect(simulation.machine.counters.breakerTrips == 0)
        #expect(simulation.machine.counters.retries > 300)  // the faults really happened
    }

    @Test func defaultsStopAnOutageOfErrorsWithinSeconds() {
        var provider = SimulatedProvider()
        provider.preflight = { _, _, _ in .failed(Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: 503)) }
        provider.send = { _, _, _ in .status(503) }
        var simulation = ExecutorSimulation(policy: ExecutorPolicy(), count: 2000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped?.breakerCount == 20)
        #expect((simulation.endTime ?? .infinity) < 2)
        #expect(simulation.count(.failed) == 0)
        #expect(simulation.starts.count < 40)
        #expect(simulation.machine.counters.breakerTrips == 1)
    }

    @Test func defaultsStopARefusingProviderPacedToRapydWithinSeconds() {
        var provider = SimulatedProvider()
        provider.preflight = { _, _, _ in .failed(SimulatedSend.refused.outcome) }
        let policy = ExecutorPolicy(rateWindows: [
            RateWindow(limit: 200, seconds: 60), RateWindow(limit: 1000, seconds: 300),
        ])
        var simulation = ExecutorSimulation(policy: policy, count: 2000, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped?.breakerCount == 20)
        #expect((simulation.endTime ?? .infinity) < 10)
        #expect(simulation.count(.failed) == 0)
    }
}
