import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct RapydRateLimiterTests {
    /// Admits requests from key `k` (or `key`) at each time, returning the decisions.
    func admit(_ limiter: inout RapydRateLimiter, _ times: [Double], key: String = "k") -> [Bool] {
        times.map { limiter.admit(key: key, now: $0) }
    }

    @Test func twoHundredPerMinuteThenBlockedUntilTheMinuteEnds() {
        var limiter = RapydRateLimiter()
        let first = admit(&limiter, (0..<200).map { 1000 + Double($0) * 0.1 })
        #expect(first.allSatisfy { $0 })
        #expect(admit(&limiter, [1030, 1059.9]) == [false, false])
        #expect(admit(&limiter, [1030], key: "other") == [true])
        #expect(admit(&limiter, [1060]) == [true])
    }

    @Test func thousandPerFiveMinutesThenBlockedForFiveMinutes() {
        var limiter = RapydRateLimiter()
        // 200 in each of five minutes: all pass; the 1001st inside the 5 minutes blocks for 5 minutes.
        let spread: [Double] = (0..<1000).map { (index: Int) -> Double in
            let minute = Double(index / 200) * 60
            return minute + 0.001 * Double(index % 200)
        }
        #expect(admit(&limiter, spread).allSatisfy { $0 })
        // Blocked at 299.9 until 599.9, although the 5-minute window itself ends at 300.
        #expect(admit(&limiter, [299.9, 300, 599.8]) == [false, false, false])
        #expect(admit(&limiter, [599.9]) == [true])
    }
}
