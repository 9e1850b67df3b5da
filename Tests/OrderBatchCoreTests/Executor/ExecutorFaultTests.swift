import Testing

@testable import OrderBatchCore

/// The executor under the faults an unattended run meets (issue "fail-safe at night"): a proxy that
/// answers 200 with an unreadable body, a revoked key, a host that does not resolve. Driven by the
/// discrete-event simulation: no I/O, a simulated clock.
@Suite struct ExecutorFaultTests {
    static let unreadable = Outcome(
        kind: .retryable(retryAfterSeconds: nil), httpStatus: 200, errorCode: OutcomeClassifier.unreadableResponseCode,
        message: "HTTP 200 but the body could not be read: not JSON")

    static func requestsPerRow(_ simulation: ExecutorSimulation) -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for operation in simulation.operations { counts[operation.seq, default: 0] += 1 }
        return counts
    }

    /// Every update lands but is answered 200 with an unreadable body; every status read is too.
    static func behindAMunglingProxy() -> SimulatedProvider {
        var provider = SimulatedProvider()
        provider.send = { _, _, _ in
            var send = SimulatedSend(outcome: Self.unreadable, applied: true, latency: 0.01)
            send.outcome.mayHaveBeenApplied = true
            return send
        }
        provider.reconcileFailure = { _, _, _ in Self.unreadable }
        return provider
    }

    @Test func unreadableAnswersCostEachRowAtMostMaxAttemptsPlusTwoRequests() {
        var provider = Self.behindAMunglingProxy()
        provider.preflight = { _, _, _ in .failed(Self.unreadable) }
        // The breaker is out of the way here: the per-row cap alone must bound the requests.
        let policy = ExecutorPolicy(
            concurrency: 8, maxAttempts: 5, retryBudget: .init(ratio: 10, floor: 10_000),
            breaker: .init(consecutiveFailures: 1_000_000), preflight: false)
        var simulation = ExecutorSimulation(policy: policy, count: 200, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.completed)
        let perRow = Self.requestsPerRow(simulation)
        #expect(perRow.count == 200)
        #expect(perRow.values.allSatisfy { $0 <= policy.maxAttempts + 2 })
        #expect(simulation.count(.unknown) == 200)
        #expect(simulation.count(.failed) == 0)
        #expect(simulation.reasons(.unknown).allSatisfy { $0.contains("its fate could not be read") })
        #expect(simulation.reasons(.unknown).allSatisfy { $0.contains("UNREADABLE_RESPONSE") })
    }

    @Test func unreadableAnswersTripTheBreakerNamingTheLastOne() {
        let provider = Self.behindAMunglingProxy()
        let policy = ExecutorPolicy(concurrency: 8, maxAttempts: 5, preflight: false)
        var simulation = ExecutorSimulation(policy: policy, count: 200, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped?.breakerCount == 20)
        #expect(simulation.stopped?.description.contains("UNREADABLE_RESPONSE") == true)
        #expect(simulation.count(.failed) == 0)
        #expect(simulation.operations.count < 200)
    }

    @Test func aRevokedKeyStopsTheRunAtOnceAndHandsEveryRowBack() {
        // The key is revoked after 60 updates: every later request is answered 401.
        var sent = 0
        var provider = SimulatedProvider()
        provider.send = { _, _, _ in
            sent += 1
            guard sent > 60 else { return .ok(latency: 0.05) }
            return SimulatedSend(
                outcome: Outcome(kind: .permanent, httpStatus: 401, errorCode: "access_denied", message: "invalid key"),
                applied: false, latency: 0.05)
        }
        let policy = ExecutorPolicy(concurrency: 8, preflight: false)
        var first = ExecutorSimulation(policy: policy, count: 600, provider: provider)
        first.run()
        #expect(first.violations == [])
        #expect(first.stopped?.runLevelCondition == .credentialsRefused)
        #expect(first.stopped?.description.contains("HTTP 401 access_denied") == true)
        #expect(first.count(.failed) == 0)
        #expect(first.count(.succeeded) == 60)
        // Promptly: at most about two answers per concurrency slot after the key went.
        #expect(first.operations.count <= 60 + 2 * policy.concurrency)

        // The key works again: resume alone finishes every row, each applied once.
        var healthy = provider
        healthy.send = { _, _, _ in .ok(latency: 0.05) }
        var second = ExecutorSimulation(
            policy: policy, items: ExecutorSimulationTests.resumable(first), provider: healthy)
        second.applications = first.applications
        second.run()
        #expect(second.completed)
        #expect(second.applications.count == 600)
        #expect(second.applications.values.allSatisfy { $0 == 1 })
    }

    @Test func aHostThatDoesNotResolveStopsAfterThreeInARowWithoutFailingRows() {
        var provider = SimulatedProvider()
        provider.send = { _, _, _ in
            SimulatedSend(
                outcome: Outcome(
                    kind: .retryable(retryAfterSeconds: nil), errorCode: TransportError.Kind.dnsFailure.rawValue,
                    message: "curl error 6: Could not resolve host: api.juspay.invalid"),
                applied: false, latency: 0.01)
        }
        let policy = ExecutorPolicy(concurrency: 1, preflight: false)
        var simulation = ExecutorSimulation(policy: policy, count: 50, provider: provider)
        simulation.run()
        #expect(simulation.violations == [])
        #expect(simulation.stopped?.runLevelCondition == .dnsFailure)
        #expect(simulation.stopped?.description.contains("Could not resolve host") == true)
        #expect(simulation.operations.count == RunLevelCondition.transportThreshold)
        // Every row it had claimed goes back pending; the rest were never claimed.
        #expect(simulation.finishes.values.allSatisfy { $0.state == .pending })
        #expect(simulation.count(.pending) > 0)
    }

    @Test func aSingleRefusedConnectionIsRetriedNotAStop() {
        var provider = SimulatedProvider()
        provider.send = { seq, attempt, _ in
            guard seq == 3 && attempt == 1 else { return .ok(latency: 0.01) }
            return SimulatedSend(
                outcome: Outcome(
                    kind: .retryable(retryAfterSeconds: nil), errorCode: TransportError.Kind.couldNotConnect.rawValue,
                    message: "curl error 7: Connection refused"),
                applied: false, latency: 0.001)
        }
        var simulation = ExecutorSimulation(
            policy: ExecutorPolicy(concurrency: 4, preflight: false), count: 40, provider: provider)
        simulation.run()
        #expect(simulation.completed)
        #expect(simulation.count(.succeeded) == 40)
    }

    @Test func theBreakerNamesTheLastUnderlyingError() {
        var provider = SimulatedProvider()
        provider.send = { _, _, _ in .status(503) }
        var simulation = ExecutorSimulation(
            policy: ExecutorPolicy(concurrency: 4, preflight: false), count: 100, provider: provider)
        simulation.run()
        #expect(simulation.stopped?.breakerCount == 20)
        #expect(simulation.stopped?.description.contains("last: HTTP 503 E503: simulated 503") == true)
    }
}
