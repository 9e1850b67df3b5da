import Testing

@testable import OrderBatchEmulator

/// Requests per rolling minute, on explicit times (no clock).
@Suite struct RollingWindowCountTests {
    @Test func countsTheMostArrivalsInAnyWindowNotPerFixedMinute() {
        var count = RollingWindowCount(seconds: 60)
        // 100 at the end of one fixed minute and 100 at the start of the next: 200 within 20 s.
        for i in 0..<100 { count.record(at: 50 + Double(i) * 0.1) }
        for i in 0..<100 { count.record(at: 60 + Double(i) * 0.1) }
        #expect(count.most == 200)
        #expect(count.count(at: 70) == 200)
        // A window is half-open: an arrival exactly 60 s old has left it.
        #expect(count.count(at: 119.95) == 100)
        #expect(count.count(at: 130) == 0)
        count.record(at: 131)
        #expect(count.most == 200 && count.count(at: 131) == 1)
    }

    @Test func aSteadyRateNeverShowsMoreThanItsWindow() {
        var count = RollingWindowCount(seconds: 60)
        // 8 a second (times exact in binary) for ten minutes: 480 per rolling minute, never 481.
        for i in 0..<4800 { count.record(at: Double(i) * 0.125) }
        #expect(count.most == 480)
    }
}
