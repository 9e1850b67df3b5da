import Foundation
import OrderBatchCore
import Testing

@Suite struct ProgressReporterTests {
    /// Runs `body` with a reporter writing to a real file, and returns what it wrote.
    private func output(mode: ProgressReporter.Mode, _ body: (ProgressReporter) -> Void) throws -> String {
        try withTemporaryDirectory { directory in
            let path = directory + "/progress.log"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try #require(fd >= 0)
            defer { close(fd) }
            body(ProgressReporter(fileDescriptor: fd, mode: mode, liveInterval: 0.2, logInterval: 5))
            return try contents(path)
        }
    }

    private func snapshot(_ done: Int, at seconds: Double) -> ProgressSnapshot {
        ProgressSnapshot(done: done, total: 1000, succeeded: done, inFlight: 4, elapsedSeconds: seconds)
    }

    @Test func offATerminalLogsALineEveryFiveSeconds() throws {
        let text = try output(mode: .log) { reporter in
            for tick in 0...120 { reporter.update(snapshot(tick * 5, at: Double(tick) / 10)) }  // 12 s, 50 rows/s
            reporter.finish(snapshot(1000, at: 20))
            reporter.update(snapshot(1000, at: 30))  // ignored after finish
        }
        #expect(
            text.split(separator: "\n") == [
                "progress 0/1000 (0.0%), -- rows/s, ETA --, in flight 4, retries 0, failed 0, elapsed 0s",
                "progress 250/1000 (25.0%), 50.0 rows/s, ETA 15s, in flight 4, retries 0, failed 0, elapsed 5.0s",
                "progress 500/1000 (50.0%), 50.0 rows/s, ETA 10s, in flight 4, retries 0, failed 0, elapsed 10.0s",
                "progress 1000/1000 (100.0%), 50.0 rows/s, ETA 0s, in flight 4, retries 0, failed 0, elapsed 20.0s",
            ])
    }

    @Test func onATerminalRewritesOneLineAtMostFiveTimesASecond() throws {
        let text = try output(mode: .live(width: 40)) { reporter in
            for tick in 0..<100 { reporter.update(snapshot(tick, at: Double(tick) / 100)) }  // 100 updates in 1 s
            reporter.finish(snapshot(100, at: 1))
        }
        let redraws = text.components(separatedBy: "\r").dropFirst()
        #expect(redraws.count == 6)  // at 0, 0.2, 0.4, 0.6, 0.8 s, and the final one
        #expect(redraws.allSatisfy { $0.hasSuffix("\u{1B}[K") || $0.hasSuffix("\u{1B}[K\n") })
        #expect(redraws.first == "0/1000 (0.0%)  -- rows/s  ETA --  in fl\u{1B}[K")  // cut to 39 columns
        #expect(text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1)
    }

    /// After `resume`: 900 rows were settled by earlier invocations, this one settled 100 in 62.5 s. The rate
    /// and ETA count this invocation's rows (1.6 rows/s), not 1000/62.5 (16.0 rows/s).
    @Test func theFinalRateCountsOnlyThisInvocationsRows() throws {
        let text = try output(mode: .log) { reporter in
            reporter.finish(
                ProgressSnapshot(done: 1000, total: 2000, succeeded: 100, elapsedSeconds: 62.5, doneBefore: 900))
        }
        #expect(
            text
                == "progress 1000/2000 (50.0%), 1.6 rows/s, ETA 10m25s, in flight 0, retries 0, failed 0, elapsed 1m03s\n"
        )
    }

    /// Mid-way, the sliding window sees only this invocation's rows: its first sample already holds the
    /// 900 earlier ones.
    @Test func theWindowedRateIgnoresRowsSettledEarlier() throws {
        let text = try output(mode: .log) { reporter in
            for tick in 0...50 {
                reporter.update(
                    ProgressSnapshot(done: 900 + tick, total: 2000, elapsedSeconds: Double(tick) / 10, doneBefore: 900))
            }
        }
        #expect(
            text.split(separator: "\n").last
                == "progress 950/2000 (47.5%), 10.0 rows/s, ETA 1m45s, in flight 0, retries 0, failed 0, elapsed 5.0s")
    }

    @Test func aPipeIsNotATerminal() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        #expect(ProgressReporter(fileDescriptor: fds[1]).mode == .log)
    }
}
