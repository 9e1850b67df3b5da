import OrderBatchCore
import Testing

/// The state machine with a shared rate limit (a ``RateTokenSource``): no start without a token, tokens asked
/// for in small batches, one request at a time, handed back when unused, and 429s reported once per round trip.
@Suite struct SharedTokensMachineTests {
    typealias Machine = ExecutorStateMachine

    static let tooMany = Outcome(kind: .retryable(retryAfterSeconds: nil), httpStatus: 429, errorCode: "TOO_MANY")

    static func machine(concurrency: Int = 4) -> (Machine, [Machine.Action]) {
        let policy = ExecutorPolicy(
            concurrency: concurrency, rateWindows: [RateWindow(limit: 600, seconds: 60)], preflight: false)
        var machine = Machine(policy: policy, totalItems: 10, seed: 1, shared: SharedTokens(pauseSeconds: 60))
        _ = machine.start(now: 0)
        let actions = machine.itemsOffered((1...10).map { WorkItem(seq: Int64($0)) }, now: 0)
        return (machine, actions)
    }

    static func sends(_ actions: [Machine.Action]) -> [Int64] {
        actions.compactMap { if case .send(let seq, _) = $0 { return seq } else { return nil } }
    }

    static func takes(_ actions: [Machine.Action]) -> [(Int, [RateTokenLot])] {
        actions.compactMap { if case .takeTokens(let n, let r) = $0 { return (n, r) } else { return nil } }
    }

    static func grant(
        _ count: Int, id: Int64 = 1000, lifetime: Double = 0.5, retryAfter: Double = 0.2
    )
        -> RateTokenGrant
    {
        RateTokenGrant(count: count, grantID: id, lifetime: lifetime, retryAfter: retryAfter, factor: 1)
    }

    @Test func nothingStartsBeforeTokensArriveAndOnlyAsManyAsGranted() {
        var (machine, actions) = Self.machine()
        #expect(Self.sends(actions).isEmpty)
        let asked = Self.takes(actions)
        #expect(asked.count == 1 && asked[0].0 >= 1 && asked[0].1.isEmpty)
        // No second request while one is outstanding.
        #expect(Self.takes(machine.tick(now: 0.01)).isEmpty)
        let granted = machine.tokensGranted(Self.grant(2), now: 0.02)
        #expect(Self.sends(granted).count <= 2)
        // The local pacing (10/s) spreads the starts; over a tenth of a second both tokens are spent, no more.
        var started = Self.sends(granted).count
        var now = 0.02
        while now < 0.3 {
            now += 0.01
            started += Self.sends(machine.tick(now: now)).count
            if started == 2 { break }
        }
        #expect(started == 2)
        #expect(Self.sends(machine.tick(now: now + 0.01)).isEmpty)
    }

    @Test func aRefusalWaitsWhatTheSourceSaysThenAsksAgain() {
        var (machine, _) = Self.machine()
        let refused = machine.tokensGranted(Self.grant(0, retryAfter: 0.25), now: 0.01)
        #expect(Self.sends(refused).isEmpty && Self.takes(refused).isEmpty)
        let wake = refused.compactMap { if case .wake(let at) = $0 { return at } else { return nil } }.last
        #expect(wake == 0.26)
        #expect(Self.takes(machine.tick(now: 0.2)).isEmpty)
        #expect(Self.takes(machine.tick(now: 0.26)).count == 1)
    }

    @Test func tokensPastTheirLifetimeAreHandedBackWithTheNextRequest() {
        var (machine, _) = Self.machine(concurrency: 1)
        // One slot: the first token starts a request; the rest wait until the request ends, past their lifetime.
        let first = machine.tokensGranted(Self.grant(3, id: 77, lifetime: 0.1), now: 0)
        #expect(Self.sends(first) == [1])
        let done = machine.attemptFinished(seq: 1, outcome: Outcome(kind: .succeeded, httpStatus: 200), now: 0.5)
        #expect(Self.sends(done).isEmpty)
        let asked = Self.takes(done)
        #expect(asked.count == 1)
        #expect(asked.first?.1 == [RateTokenLot(grantID: 77, count: 2)])
    }

    @Test func a429IsReportedOncePerRoundTripAndHandsBackTheTokensHeld() throws {
        var (machine, _) = Self.machine(concurrency: 2)
        var actions = machine.tokensGranted(Self.grant(4, id: 5, lifetime: 10), now: 0)
        var now = 0.0
        while Self.sends(actions).count < 2 && now < 1 {
            now += 0.05
            actions += machine.tick(now: now)
        }
        let inFlight = Self.sends(actions)
        try #require(inFlight.count == 2)
        let first = machine.attemptFinished(seq: inFlight[0], outcome: Self.tooMany, now: now + 0.1)
        let reports = first.compactMap { if case .reportRateLimited(_, let p) = $0 { return p } else { return nil } }
        #expect(reports == [60])
        // The second request started before the report: the same overload, not reported again.
        let second = machine.attemptFinished(seq: inFlight[1], outcome: Self.tooMany, now: now + 0.2)
        #expect(!second.contains { if case .reportRateLimited = $0 { return true } else { return false } })
        // Nothing is asked for or started during the pause; the tokens held go back when the run ends.
        #expect(Self.takes(machine.tick(now: now + 30)).isEmpty)
        #expect(machine.releaseSharedTokens() == [RateTokenLot(grantID: 5, count: 2)])
    }

    @Test func withoutASharedLimitNoTokenIsAskedFor() {
        let policy = ExecutorPolicy(
            concurrency: 4, rateWindows: [RateWindow(limit: 600, seconds: 60)], preflight: false)
        var machine = Machine(policy: policy, totalItems: 1, seed: 1)
        _ = machine.start(now: 0)
        let actions = machine.itemsOffered([WorkItem(seq: 1)], now: 0)
        #expect(Self.sends(actions) == [1])
        #expect(Self.takes(actions).isEmpty)
        #expect(machine.sharedTokens == nil)
    }
}
