import OrderBatchCore
import Testing

@Suite struct ProgressFormatTests {
    private let snapshot = ProgressSnapshot(
        done: 1234, total: 5000, succeeded: 1233, failed: 1, inFlight: 8, retries: 3, elapsedSeconds: 4)

    @Test func liveLineMatchesTheDocumentedShape() {
        #expect(
            ProgressFormat.liveLine(snapshot, rate: 310.24)
                == "1234/5000 (24.6%)  310.2 rows/s  ETA 13s  in flight 8  retries 3  failed 1")
    }

    @Test func skippedAndUnknownShowOnlyWhenNonZero() {
        var s = snapshot
        s.skipped = 2
        s.unknown = 5
        #expect(ProgressFormat.liveLine(s, rate: nil).hasSuffix("failed 1  skipped 2  unknown 5"))
        #expect(ProgressFormat.liveLine(snapshot, rate: nil).hasSuffix("failed 1"))
    }

    @Test func logLineHasElapsedTime() {
        var s = snapshot
        s.elapsedSeconds = 243
        #expect(
            ProgressFormat.logLine(s, rate: 0.05)
                == "progress 1234/5000 (24.6%), 0.1 rows/s, ETA 20h55m, in flight 8, retries 3, failed 1, elapsed 4m03s"
        )
    }

    @Test func percentRoundsDownSoOnlyAFinishedRunShows100() {
        #expect(ProgressFormat.percent(ProgressSnapshot(done: 9999, total: 10000, elapsedSeconds: 1)) == "99.9%")
        #expect(ProgressFormat.percent(ProgressSnapshot(done: 10000, total: 10000, elapsedSeconds: 1)) == "100.0%")
        #expect(ProgressFormat.percent(ProgressSnapshot(done: 0, total: 3, elapsedSeconds: 1)) == "0.0%")
        #expect(ProgressFormat.percent(ProgressSnapshot(done: 0, total: 0, elapsedSeconds: 1)) == "100.0%")
    }

    @Test func etaIsUnknownWithoutARateAndZeroWhenDone() {
        #expect(ProgressFormat.eta(snapshot, rate: nil) == "--")
        #expect(ProgressFormat.eta(snapshot, rate: 0) == "--")
        #expect(ProgressFormat.eta(ProgressSnapshot(done: 5, total: 5, elapsedSeconds: 1), rate: nil) == "0s")
        #expect(ProgressFormat.rateText(nil) == "--")
        #expect(ProgressFormat.rateText(.infinity) == "--")
    }

    @Test(arguments: [
        (0.2, "1s"), (59, "59s"), (59.5, "1m00s"), (185, "3m05s"), (3600, "1h00m"), (7380, "2h03m"),
        (176_400, "49h00m"), (-1, "0s"), (Double.nan, "0s"),
    ])
    func durations(seconds: Double, text: String) {
        #expect(ProgressFormat.duration(seconds) == text)
    }

    /// The progress log and the summary write elapsed time alike: never "0.0 s" beside "1s".
    @Test(arguments: [
        (0.0, "0s"), (0.04, "0.04s"), (0.994, "0.99s"), (0.996, "1.0s"), (4.25, "4.3s"), (59.9, "59.9s"),
        (59.97, "1m00s"), (243, "4m03s"),
    ])
    func elapsedTimes(seconds: Double, text: String) {
        #expect(ProgressFormat.elapsed(seconds) == text)
    }
}
