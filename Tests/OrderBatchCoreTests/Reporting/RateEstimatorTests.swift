import OrderBatchCore
import Testing

@Suite struct RateEstimatorTests {
    @Test func unknownUntilASecondOfHistory() {
        var estimator = RateEstimator()
        #expect(estimator.rowsPerSecond == nil)
        estimator.record(done: 0, at: 0)
        estimator.record(done: 50, at: 0.5)
        #expect(estimator.rowsPerSecond == nil)
        estimator.record(done: 100, at: 1)
        #expect(estimator.rowsPerSecond == 100)
    }

    @Test func followsTheLastTenSecondsNotTheWholeRun() {
        var estimator = RateEstimator(window: 10)
        // 100 rows/s for 60 s, then 10 rows/s for 20 s.
        var done = 0
        for tick in 0...600 {
            estimator.record(done: done, at: Double(tick) / 10)
            done += 10
        }
        #expect(estimator.rowsPerSecond.map { abs($0 - 100) < 0.01 } == true)
        for tick in 601...800 {
            done += 1
            estimator.record(done: done, at: Double(tick) / 10)
        }
        // The whole-run average would be about 77.5 rows/s; the window sees only the slow part.
        #expect(estimator.rowsPerSecond.map { abs($0 - 10) < 0.01 } == true)
    }

    @Test func samplesCloserThanTheSpacingCollapse() {
        var estimator = RateEstimator(window: 10, minimumSpacing: 0.1)
        estimator.record(done: 0, at: 0)
        for i in 1...1000 { estimator.record(done: i, at: Double(i) * 0.000_1) }  // 1000 updates in 0.1 s
        estimator.record(done: 2000, at: 2)
        #expect(estimator.rowsPerSecond == 1000)
    }
}
