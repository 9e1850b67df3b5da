import OrderBatchCore
import Testing

@Suite struct RateLimiterTests {
    static let rapyd = [RateWindow(limit: 200, seconds: 60), RateWindow(limit: 1000, seconds: 300)]

    /// Starts as fast as the limiter allows, `count` times; returns the start times.
    static func saturate(_ limiter: inout RateLimiter, count: Int, from start: Double = 0) -> [Double] {
        var now = start
        var starts: [Double] = []
        for _ in 0..<count {
            now = limiter.earliestStart(now: now)
            #expect(limiter.canStart(now: now))
            limiter.recordStart(at: now)
            starts.append(now)
        }
        return starts
    }

    static func violation(_ starts: [Double], _ window: RateWindow) -> Int? {
        guard starts.count > window.limit else { return nil }
        return (0..<(starts.count - window.limit)).first { starts[$0 + window.limit] < starts[$0] + window.seconds }
    }

    @Test func rapydWindowsAreNeverExceededAndStillUsedFully() {
        var limiter = RateLimiter(windows: Self.rapyd)
        let starts = Self.saturate(&limiter, count: 3000)
        for window in Self.rapyd {
            #expect(Self.violation(starts, window) == nil, "window \(window)")
        }
        // 3.33 requests per second is both windows' rate; pacing loses nothing to it.
        let elapsed = starts[starts.count - 1] - starts[0]
        #expect(elapsed <= 2999 * 0.3 + 1)
        #expect(elapsed >= 2999 * 0.3 - 1)
    }

    @Test func windowsHoldUnderBurstyDemand() {
        // Paced at 20/s with two tokens of burst; after idle gaps the bucket alone would
        // allow 102 starts in some 5 s, so here the sliding log is what holds the line.
        let windows = [RateWindow(limit: 30, seconds: 1), RateWindow(limit: 100, seconds: 5)]
        var limiter = RateLimiter(windows: windows)
        var now = 0.0
        var starts: [Double] = []
        var random = SplitMix64(seed: 7)
        for burst in 0..<40 {
            now += burst % 3 == 0 ? 3 : Double.random(in: 0...0.5, using: &random)
            for _ in 0..<Int.random(in: 1...60, using: &random) {
                now = limiter.earliestStart(now: now)
                limiter.recordStart(at: now)
                starts.append(now)
            }
        }
        #expect(starts.count > 1000)
        for window in windows {
            #expect(Self.violation(starts, window) == nil, "window \(window)")
        }
    }

    @Test func windowAllowsTheNextStartExactlyWhenTheOldestLeaves() {
        var limiter = RateLimiter(windows: [RateWindow(limit: 3, seconds: 10)])
        limiter.recordStart(at: 0)
        limiter.recordStart(at: 1)
        limiter.recordStart(at: 2)
        #expect(limiter.earliestStart(now: 5) == 10)
        #expect(!limiter.canStart(now: 9.999))
        #expect(limiter.canStart(now: 10))
    }

    @Test func aRateLimitedResponseHalvesTheRateOncePerRoundTrip() {
        var limiter = RateLimiter(windows: [RateWindow(limit: 100, seconds: 10)])
        #expect(limiter.allowedRate == 10)
        limiter.recordRateLimited(requestStartedAt: 1, now: 2)
        #expect(limiter.allowedRate == 5)
        // A second refusal of a request sent before the decrease is the same congestion.
        limiter.recordRateLimited(requestStartedAt: 1.5, now: 2.1)
        #expect(limiter.allowedRate == 5)
        limiter.recordRateLimited(requestStartedAt: 2.5, now: 3)
        #expect(limiter.allowedRate == 2.5)
        for step in 0..<10 { limiter.recordRateLimited(requestStartedAt: 10 + Double(step), now: 10 + Double(step)) }
        #expect(limiter.allowedRate == 0.5)  // the floor
        #expect(limiter.ceiling == 10)
    }

    @Test func successesRaiseTheRateAdditivelyBackToTheCeiling() {
        var limiter = RateLimiter(windows: [RateWindow(limit: 100, seconds: 10)])
        limiter.recordRateLimited(requestStartedAt: 0, now: 0)
        #expect(limiter.allowedRate == 5)
        var now = 0.0
        var successes = 0
        while (limiter.allowedRate ?? 0) < 10 {
            now = limiter.earliestStart(now: now)
            limiter.recordStart(at: now)
            limiter.recordSuccess(now: now)
            successes += 1
            #expect(successes < 1000)
            if successes >= 1000 { break }
        }
        // 5 % of the ceiling per second of traffic: from half to full in about ten seconds.
        #expect(now > 7 && now < 13, "recovered after \(now) s")
        #expect(limiter.allowedRate == 10)
    }

    @Test func withoutWindowsTheFirstRefusalSetsACeilingFromTheObservedRate() {
        var limiter = RateLimiter(windows: [])
        #expect(limiter.allowedRate == nil)
        #expect(limiter.earliestStart(now: 3) == 3)
        // 40 requests per second for five seconds.
        for index in 0..<200 { limiter.recordStart(at: Double(index) * 0.025) }
        limiter.recordRateLimited(requestStartedAt: 4.9, now: 5)
        let ceiling = limiter.ceiling ?? 0
        #expect(ceiling > 38 && ceiling < 42)
        #expect(limiter.allowedRate == ceiling / 2)
        // From now on starts are paced.
        let starts = Self.saturate(&limiter, count: 101, from: 5)
        let rate = 100 / (starts[100] - starts[0])
        #expect(abs(rate - ceiling / 2) < 1)
    }

    @Test func retryAfterPausesEveryStart() {
        var limiter = RateLimiter(windows: [])
        limiter.pause(until: 30)
        #expect(limiter.earliestStart(now: 1) == 30)
        limiter.pause(until: 20)  // an earlier pause does not shorten a later one
        #expect(limiter.earliestStart(now: 1) == 30)
        #expect(limiter.canStart(now: 30))
    }
}
