import Foundation
import Testing

@testable import OrderBatchCore

/// The lines of `run`, `resume` and `retry` on standard error: plain on a terminal, stamped with the UTC time
/// and the run id off one (cron, a log file), one JSON object each with `--log-format json`; `--quiet` holds
/// back all but errors until the run is known not to have succeeded.
@Suite struct LogLineTests {
    /// 2026-12-01T02:00:03.125Z.
    static let time = Date(timeIntervalSince1970: 1_796_090_403.125)

    @Test func textIsTheMessageOnATerminalAndStampedOffOne() {
        let line = LogLine(time: Self.time, level: .info, runID: "r1", message: "orderbatch: run r1: 2 rows recorded")
        #expect(line.rendered(.text, stamped: false) == "orderbatch: run r1: 2 rows recorded\n")
        #expect(
            line.rendered(.text, stamped: true) == "2026-12-01T02:00:03.125Z r1 orderbatch: run r1: 2 rows recorded\n")
        // Before a run is known, `-` keeps the columns; every line of a message is stamped.
        let early = LogLine(time: Self.time, level: .error, runID: nil, message: "first\nsecond")
        #expect(
            early.rendered(.text, stamped: true)
                == "2026-12-01T02:00:03.125Z - first\n2026-12-01T02:00:03.125Z - second\n")
    }

    @Test func jsonIsOneObjectPerLineWithTheLinesFields() throws {
        let line = LogLine(
            time: Self.time, level: .error, runID: nil, message: "orderbatch: no run x\n(quoted \"here\")",
            fields: [("exit_code", .integer(64))])
        let text = line.rendered(.json, stamped: true)
        #expect(
            text == #"{"time":"2026-12-01T02:00:03.125Z","level":"error","run_id":null,"#
                + #""message":"orderbatch: no run x\n(quoted \"here\")","exit_code":64}"# + "\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "orderbatch: no run x\n(quoted \"here\")")
        #expect(LogLine.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    /// Runs `body` with a sink writing to a real file, and returns what it wrote.
    private func written(_ body: (LogSink) -> Void) throws -> String {
        try withTemporaryDirectory { directory in
            let path = directory + "/stderr.log"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try #require(fd >= 0)
            defer { close(fd) }
            body(LogSink(stream: ConsoleStream(fileDescriptor: fd, name: "test")))
            return try contents(path)
        }
    }

    @Test func quietHoldsAllButErrorsUntilReleased() throws {
        let held = try written { sink in
            sink.configure(format: .text, stamped: false, quiet: true)
            sink.write(.info, "recorded")
            sink.write(.warning, "job file differs")
        }
        #expect(held == "")
        let released = try written { sink in
            sink.configure(format: .text, stamped: false, quiet: true)
            sink.write(.info, "recorded")
            sink.write(.error, "stopped")
            sink.write(.warning, "job file differs")
            sink.releaseHeld()
            sink.write(.info, "after")  // no longer held
        }
        #expect(released == "stopped\nrecorded\njob file differs\nafter\n")
    }

    @Test func quietKeepsTheLastLinesAndSaysHowManyWereLeftOut() throws {
        let text = try written { sink in
            sink.configure(format: .text, stamped: false, quiet: true)
            sink.concern(runID: "r9")
            for i in 1...(LogSink.heldLimit + 3) { sink.write(.info, "line \(i)") }
            sink.releaseHeld()
        }
        let lines = text.split(separator: "\n")
        #expect(lines.count == LogSink.heldLimit + 1)
        #expect(lines.first == "orderbatch: (3 earlier lines left out)")
        #expect(lines[1] == "line 4" && lines.last == "line \(LogSink.heldLimit + 3)")
    }

    @Test func progressLogLinesCarryTheirCountsAsFields() throws {
        let fields = ProgressReporter.logFields(
            ProgressSnapshot(
                done: 5, total: 9, succeeded: 4, failed: 1, inFlight: 2, retries: 3, elapsedSeconds: 1.5))
        let line = LogLine(time: Self.time, level: .info, runID: "r1", message: "progress", fields: fields)
        #expect(
            line.rendered(.json, stamped: false)
                == #"{"time":"2026-12-01T02:00:03.125Z","level":"info","run_id":"r1","message":"progress","#
                + #""event":"progress","done":5,"total":9,"succeeded":4,"failed":1,"skipped":0,"unknown":0,"#
                + #""in_flight":2,"retries":3,"elapsed_seconds":1.5}"# + "\n")
    }
}
