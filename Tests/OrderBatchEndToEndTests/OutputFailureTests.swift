import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// Output that cannot be written never stops orderbatch: a run whose standard error is full, closed or a pipe
/// whose reader went away records every row and exits as it would with a working terminal; `report`,
/// `validate` and `run --dry-run`, whose output is the product, exit 1 (quietly when the reader of a pipe
/// went away, with a message when the disk is full).
@Suite struct OutputFailureTests {
    /// Before the fix: exit 132 (a trap on the failed write) for the first two, 141 (SIGPIPE) for the third.
    @Test(arguments: ["2>/dev/full", "2>&-", "2>&1 | head -1"])
    func aRunWhoseStandardErrorFailsRecordsEveryRowAndExitsAsUsual(redirection: String) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // Juspay's latency at concurrency 2 makes the run last several seconds, so that progress lines are
        // written mid-run, after `head` has gone.
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "OUT", count: 60)
        let job = try workspace.job("output", endpoint: emulator.url, input: input, extra: "concurrency: 2\n")

        let result = try await ShellRedirection.run(["run", job, "--run-id", "o1"], redirection)
        #expect(result.exit == ChildProcess.Exit(status: 0, bySignal: false), "\(result.stdout) \(result.stderr)")
        #expect(result.stderr == "")
        if redirection.contains("head") {
            // Standard error is a pipe: the line is stamped with the time and the run id.
            #expect(LogStamp.strip(result.stdout).hasPrefix("orderbatch: run o1: 60 rows recorded"), "\(result.stdout)")
            #expect(result.stdout.contains("Z o1 orderbatch: run o1: 60 rows recorded"), "\(result.stdout)")
        } else {
            #expect(result.stdout.contains("run o1 (job output, juspay): finished"), "\(result.stdout)")
        }
        let counts = try #require(try await OrderBatchCLI.counts(run: "o1", db: workspace.db))
        #expect(counts["succeeded"] == 60 && counts["pending"] == 0 && counts["in_flight"] == 0, "\(counts)")
        #expect(try await emulator.stats().appliedTotal == 60)
        try await emulator.stop()
    }

    @Test func aRunWithFailedRowsKeepsExit1WhenStandardErrorIsFull() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // Unknown orders are not found: every row fails, permanently.
        let emulator = try await ExternalEmulator(["--unknown-orders", "not-found"])
        let input = try workspace.juspayCSV("in.csv", prefix: "NFD", count: 5)
        let job = try workspace.job("notfound", endpoint: emulator.url, input: input, extra: "max_failures: 100%\n")
        let baseline = try await OrderBatchCLI.run(["run", job, "--run-id", "n1"])
        #expect(baseline.exit.status == 1, "\(baseline.stderr)")
        let full = try await ShellRedirection.run(["run", job, "--run-id", "n2", "--allow-rerun"], "2>/dev/full")
        #expect(full.exit == baseline.exit, "\(full.stdout)")
        let counts = try #require(try await OrderBatchCLI.counts(run: "n2", db: workspace.db))
        #expect(counts["failed", default: 0] + counts["skipped", default: 0] == 5, "\(counts)")
        try await emulator.stop()
    }

    /// Each command's output is over a megabyte, far more than a pipe holds, so `head` is gone long before the
    /// end. Before the fix: killed by SIGPIPE (141).
    @Test func reportValidateAndDryRunIntoAClosedPipeExit1Quietly() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let rows = 12_000
        let input = try workspace.juspayCSV("in.csv", prefix: "PIP", count: rows)
        let job = try workspace.job("pipe", endpoint: "emulator", input: input, extra: "preflight: false\n")

        let metrics = workspace.path("m.prom")
        let dryRun = try await ShellRedirection.run(["run", job, "--dry-run", "--metrics", metrics], "| head -1")
        #expect(dryRun.exit == ChildProcess.Exit(status: 1, bySignal: false), "\(dryRun.stderr)")
        #expect(dryRun.stdout == "# line 2: update\n" && dryRun.stderr == "", "\(dryRun.stdout) \(dryRun.stderr)")
        #expect(!FileManager.default.fileExists(atPath: metrics), "a dry run leaves the last run's metrics alone")

        // A recorded run to report on: the deadline stops it at once, its rows stay recorded.
        let recorded = try await OrderBatchCLI.run(["run", job, "--run-id", "p1", "--deadline", "1ms"])
        #expect(recorded.exit.status == 3, "\(recorded.stderr)")
        let report = try await ShellRedirection.run(
            ["report", "p1", "--db", workspace.db, "--state", "all"], "| head -1")
        #expect(report.exit == ChildProcess.Exit(status: 1, bySignal: false), "\(report.stderr)")
        #expect(report.stdout.hasPrefix("order_id,routing_id,amount,udf1,ob_input_line") && report.stderr == "")
        let reportFull = try await ShellRedirection.run(
            ["report", "p1", "--db", workspace.db, "--state", "all"], ">/dev/full")
        #expect(reportFull.exit.status == 1)
        #expect(reportFull.stderr.contains("No space left on device"), "\(reportFull.stderr)")

        var bad = "order_id,routing_id,amount,udf1\n"
        for i in 1...rows { bad += "\(Workspace.orderID("BAD", i)),cust\(i),-\(i),e2e\n" }
        let badInput = try workspace.write("bad.csv", bad)
        let arguments = ["validate", job, "--input", badInput, "--max-errors", String(rows)]
        let validate = try await ShellRedirection.run(arguments, "| head -1")
        #expect(validate.exit == ChildProcess.Exit(status: 1, bySignal: false), "\(validate.stderr)")
        #expect(validate.stdout.hasPrefix("\(badInput):2: amount:") && validate.stderr == "", "\(validate.stdout)")
        let validateFull = try await ShellRedirection.run(arguments, ">/dev/full")
        #expect(validateFull.exit.status == 1)
        #expect(validateFull.stderr.contains("writing to standard output failed: No space left on device"))
        // With a working output, the same file is simply invalid.
        #expect(try await OrderBatchCLI.run(arguments).exit.status == 2)
    }
}
