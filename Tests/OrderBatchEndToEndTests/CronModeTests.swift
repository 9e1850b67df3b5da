import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// Cron mode: `--quiet` prints nothing on a success and, otherwise, what led to the ending, the summary and the
/// command to continue; off a terminal every line on standard error starts with the UTC time and the run id;
/// `--log-format json` writes one object per line.
@Suite struct CronModeTests {
    /// `2026-12-01T02:00:03.120Z RUN `: the stamp, with its run id captured.
    static let stamp = #"^(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (\S+) "#

    /// A job on the built-in emulator; `notFound`: every update fails (the orders do not exist).
    private func job(
        _ workspace: Workspace, _ name: String, rows: Int, notFound: Bool = false, extra: String = ""
    )
        throws -> String
    {
        let input = try workspace.juspayCSV(name + ".csv", prefix: "CRN", count: rows)
        let emulator = notFound ? "emulator:\n  unknown_orders: not-found\n" : ""
        return try workspace.job(
            name, endpoint: "emulator", input: input, extra: "preflight: false\n" + extra + emulator)
    }

    @Test func offATerminalEveryLineStartsWithTheUTCTimeAndTheRunID() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let job = try job(workspace, "stamped", rows: 3)
        let child = try OrderBatchCLI.start(["run", job, "--run-id", "night-1"])
        #expect(try await child.exit().status == 0)
        let lines = child.rawStderr.split(separator: "\n").map(String.init)
        #expect(lines.count >= 3, "\(child.rawStderr)")  // recorded, emulator started, the final progress line
        let stamp = try Regex(Self.stamp)
        for line in lines {
            let match = try #require(line.prefixMatch(of: stamp), "not stamped: \(line)")
            #expect(match.output[2].substring == "night-1", "\(line)")
        }
        #expect(child.stderr.contains("orderbatch: run night-1: 3 rows recorded in \(workspace.db)\n"))
        // The stamp is the time in UTC: it parses, and names this year.
        let first = try #require(lines.first)
        let time = try Date(
            String(first.prefix(24)), strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(abs(time.timeIntervalSinceNow) < 3600, "\(first)")

        // Before any run is concerned (invalid input: nothing recorded), the run id is `-`.
        let bad = try workspace.write("bad.csv", "order_id,routing_id,amount\nX1,c1,-5\n")
        let invalid = try OrderBatchCLI.start(["run", job, "--input", bad])
        #expect(try await invalid.exit().status == 2)
        let invalidLines = invalid.rawStderr.split(separator: "\n")
        #expect(
            !invalidLines.isEmpty && invalidLines.allSatisfy { $0.prefixMatch(of: stamp)?.output[2].substring == "-" })
    }

    @Test func quietSaysNothingOnSuccessAndWhatToDoOtherwise() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let input = try workspace.juspayCSV("good.csv", prefix: "QOK", count: 3)
        let good = try workspace.job("quiet-good", endpoint: emulator.url, input: input)
        let success = try await OrderBatchCLI.run(["run", good, "--quiet", "--run-id", "q1"])
        #expect(success.exit.status == 0)
        #expect(success.stdout == "" && success.stderr == "", "\(success.stdout)\(success.stderr)")
        try await emulator.stop()
        // A second firing of the cron line, and a resume of the finished run: nothing to say either.
        let again = try await OrderBatchCLI.run(["run", good, "--quiet"])
        #expect(again.exit.status == 0 && again.stdout == "" && again.stderr == "", "\(again.stderr)")
        let resume = try await OrderBatchCLI.run(["resume", "q1", "--db", workspace.db, "--quiet"])
        #expect(resume.exit.status == 0 && resume.stdout == "" && resume.stderr == "", "\(resume.stderr)")

        // Rows failed: the lines held back, the summary, and the retry command.
        let failing = try job(
            workspace, "quiet-bad", rows: 4, notFound: true, extra: "max_failures: 1\nconcurrency: 1\n")
        let stopped = try await OrderBatchCLI.run(["run", failing, "--quiet", "--run-id", "q2"])
        #expect(stopped.exit.status == 3, "\(stopped.stderr)")
        #expect(
            stopped.stderr.contains("orderbatch: run q2: 4 rows recorded in \(workspace.db)\n"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("progress "), "\(stopped.stderr)")
        #expect(
            stopped.stdout.contains("run q2 (job quiet-bad, juspay): stopped (2 rows failed, past --max-failures 1)"))
        #expect(stopped.stdout.contains("  continue: orderbatch resume q2 --db \(workspace.db)\n"), "\(stopped.stdout)")
        let finished = try await OrderBatchCLI.run([
            "resume", "q2", "--db", workspace.db, "--quiet", "--max-failures", "none",
        ])
        #expect(finished.exit.status == 1, "\(finished.stderr)")
        #expect(finished.stdout.contains("4 rows: 0 succeeded, 4 failed"), "\(finished.stdout)")
        #expect(finished.stdout.contains("send them again: orderbatch retry q2 --db \(workspace.db)"))
        #expect(finished.stderr.contains("this resume runs with concurrency 1, rate none, max_failures none"))
    }

    @Test func jsonLogFormatWritesOneObjectPerLine() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let job = try job(workspace, "shipped", rows: 2, notFound: true)
        let run = try await OrderBatchCLI.run(["run", job, "--log-format", "json", "--run-id", "j1"])
        #expect(run.exit.status == 1, "\(run.stderr)")
        let objects = try run.stderr.split(separator: "\n").map { try JSON.object(String($0)) }
        #expect(objects.count >= 3, "\(run.stderr)")
        for object in objects {
            #expect(object["run_id"] as? String == "j1")
            #expect(
                (object["time"] as? String)?.wholeMatch(of: try Regex(#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#))
                    != nil)
            #expect(["info", "warning", "error"].contains(object["level"] as? String ?? ""))
        }
        #expect(objects.first?["message"] as? String == "orderbatch: run j1: 2 rows recorded in \(workspace.db)")
        let progress = try #require(objects.last { $0["event"] as? String == "progress" }, "\(run.stderr)")
        #expect(progress["done"] as? Int == 2 && progress["total"] as? Int == 2 && progress["failed"] as? Int == 2)

        let unknown = try await OrderBatchCLI.run(["resume", "nope", "--db", workspace.db, "--log-format", "json"])
        #expect(unknown.exit.status == 64)
        let error = try JSON.object(unknown.stderr)
        #expect(
            error["level"] as? String == "error" && error["exit_code"] as? Int == 64
                && error["run_id"] as? String == "nope")
        #expect((error["message"] as? String)?.hasPrefix("orderbatch: no run nope in ") == true, "\(unknown.stderr)")
        let refused = try await OrderBatchCLI.run(["run", job, "--log-format", "yaml"])
        #expect(refused.exit.status == 64 && refused.stderr.contains("yaml"), "\(refused.stderr)")
    }

    @Test func quietWritesWhatASignalLeftAndTheCommandToContinue() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "SIG", count: 100)
        let job = try workspace.job("quiet-signal", endpoint: emulator.url, input: input, extra: "concurrency: 1\n")
        let run = try OrderBatchCLI.start(["run", job, "--quiet", "--run-id", "qs"])
        _ = try await OrderBatchCLI.waitForCounts(run: "qs", db: workspace.db) { $0["succeeded", default: 0] >= 1 }
        run.send(SIGTERM)
        #expect(try await run.exit().status == 3, "\(run.stderr)")
        // Held until the run was known to have stopped, then written in order, each stamped.
        let stderr = run.stderr
        let recorded = try #require(stderr.range(of: "orderbatch: run qs: 100 rows recorded in \(workspace.db)\n"))
        let stopping = try #require(stderr.range(of: "orderbatch: SIGTERM: stopping; waiting for requests in flight\n"))
        #expect(recorded.upperBound <= stopping.lowerBound, "\(stderr)")
        #expect(run.rawStderr.split(separator: "\n").allSatisfy { $0.contains("Z qs ") }, "\(run.rawStderr)")
        #expect(run.stdout.contains("  continue: orderbatch resume qs --db \(workspace.db)\n"), "\(run.stdout)")
        try await emulator.stop()
    }

    /// A cron line left on `endpoint: emulator` "succeeds" every night without reaching the provider: even
    /// `--quiet` says so, in one line.
    @Test func quietStillSaysWhenASuccessReachedOnlyTheBuiltInEmulator() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let job = try job(workspace, "quiet-emulator", rows: 2)
        let result = try await OrderBatchCLI.run(["run", job, "--quiet", "--run-id", "qe"])
        #expect(result.exit.status == 0)
        #expect(result.stdout == "")
        #expect(
            result.stderr.hasPrefix("orderbatch: run qe: endpoint: THE BUILT-IN EMULATOR (http://127.0.0.1:")
                && result.stderr.hasSuffix(
                    "): NOTHING WAS SENT TO JUSPAY. A job left on `endpoint: emulator` succeeds without credentials; "
                        + "set `endpoint: sandbox` or `production` to reach juspay\n")
                && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
