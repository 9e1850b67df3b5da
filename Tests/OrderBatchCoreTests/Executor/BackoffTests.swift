import OrderBatchCore
import Testing

@Suite struct BackoffTests {
    let backoff = Backoff(base: 0.25, max: 20, retryAfterCap: 60)

    @Test func ceilingDoublesUpToTheMaximum() {
        #expect(backoff.ceiling(retry: 1) == 0.25)
        #expect(backoff.ceiling(retry: 2) == 0.5)
        #expect(backoff.ceiling(retry: 5) == 4)
        #expect(backoff.ceiling(retry: 8) == 20)
        #expect(backoff.ceiling(retry: 1000) == 20)
    }

    @Test func fullJitterSpansTheWholeRange() {
        var random = SplitMix64(seed: 1)
        let delays = (0..<2000).map { _ in backoff.delay(retry: 5, retryAfter: nil, using: &random) }
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= 4 })
        #expect(delays.min() ?? 1 < 0.05)
        #expect(delays.max() ?? 0 > 3.95)
        let mean = delays.reduce(0, +) / Double(delays.count)
        #expect(abs(mean - 2) < 0.15)
    }

    @Test func theSameSeedGivesTheSameDelays() {
        var first = SplitMix64(seed: 99)
        var second = SplitMix64(seed: 99)
        var other = SplitMix64(seed: 100)
        let a = (1...20).map { backoff.delay(retry: $0, retryAfter: nil, using: &first) }
        let b = (1...20).map { backoff.delay(retry: $0, retryAfter: nil, using: &second) }
        let c = (1...20).map { backoff.delay(retry: $0, retryAfter: nil, using: &other) }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func retryAfterIsAFloorAndIsCapped() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<100 {
            #expect(backoff.delay(retry: 1, retryAfter: 7, using: &random) == 7)
            #expect(backoff.delay(retry: 1, retryAfter: 36_000, using: &random) == 60)
            let long = backoff.delay(retry: 9, retryAfter: 1, using: &random)
            #expect(long >= 1 && long <= 20)
        }
    }
}
