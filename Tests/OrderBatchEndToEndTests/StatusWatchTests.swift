import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// `status RUN --watch`: a block per refresh off a terminal, until no process is at work on the run; then the
/// code the run ended with.
@Suite struct StatusWatchTests {
    @Test func refreshesUntilTheRunEndsThenExitsWithItsCode() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // Slow (Juspay's latency, one request at a time) until the watch has shown the run at work, then fast.
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "WAT", count: 100)
        let job = try workspace.job("watched", endpoint: emulator.url, input: input, extra: "concurrency: 1\n")
        let run = try OrderBatchCLI.start(["run", job, "--run-id", "w1"])
        _ = try await OrderBatchCLI.waitForCounts(run: "w1", db: workspace.db) { $0["succeeded", default: 0] >= 1 }
        // Frozen, the run keeps its live lease: the watch must wait, whatever the machine's speed.
        run.send(SIGSTOP)
        let watch = try OrderBatchCLI.start(["status", "w1", "--db", workspace.db, "--watch", "--interval", "100ms"])
        _ = try await watch.firstLine()
        try await emulator.setLatency("none")
        run.send(SIGCONT)
        #expect(try await run.exit().status == 0, "\(run.stderr)")
        #expect(try await watch.exit().status == 0, "\(watch.stderr)")

        // One block per refresh, each after a blank line: all but the last while the run was at work.
        let blocks = watch.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count >= 2, "\(watch.stdout)")
        let headers = blocks.map { $0.prefix { $0 != "\n" } }
        let waiting = try Regex(
            #"^run w1 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; every 100ms until it ends \(Ctrl-C stops watching, not the run\)$"#
        )
        #expect(headers.dropLast().allSatisfy { $0.wholeMatch(of: waiting) != nil }, "\(headers)")
        #expect(headers.last?.hasPrefix("run w1 has ended (exit 0); at ") == true, "\(headers)")
        #expect(blocks.dropLast().allSatisfy { $0.contains("state         running (pid \(run.pid) on host ") })
        #expect(
            blocks.last?.contains("state         finished\n") == true
                && blocks.last?.contains("  succeeded   100\n") == true)
        try await emulator.stop()
    }

    @Test func aStoppedOrFailedRunEndsTheWatchAtOnceWithItsCode() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "WSF", count: 6)
        let job = try workspace.job(
            "watch-fail", endpoint: "emulator", input: input,
            extra: "preflight: false\nconcurrency: 1\nmax_failures: 1\nemulator:\n  unknown_orders: not-found\n")
        #expect(try await OrderBatchCLI.run(["run", job, "--run-id", "s1"]).exit.status == 3)
        let stopped = try await OrderBatchCLI.run(["status", "s1", "--db", workspace.db, "--watch", "--json"])
        #expect(stopped.exit.status == 3, "\(stopped.stderr)")
        #expect(stopped.stdout.split(separator: "\n").count == 1, "\(stopped.stdout)")
        #expect(try JSON.object(stopped.stdout)["state"] as? String == "stopped")

        #expect(
            try await OrderBatchCLI.run(["resume", "s1", "--db", workspace.db, "--max-failures", "none"]).exit.status
                == 1)
        let failed = try await OrderBatchCLI.run(["status", "s1", "--db", workspace.db, "--watch"])
        #expect(failed.exit.status == 1, "\(failed.stderr)")
        #expect(failed.stdout.hasPrefix("run s1 has ended (exit 1); at "), "\(failed.stdout)")
        #expect(failed.stdout.contains("\nstate         finished\n"), "\(failed.stdout)")
    }

    @Test func theWatchNeedsARunAndASensibleInterval() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("state.sqlite", "")
        let noRun = try await OrderBatchCLI.run(["status", "--db", workspace.db, "--watch"])
        #expect(noRun.exit.status == 64)
        #expect(
            noRun.stderr.hasPrefix("Error: --watch needs the RUN_ID to watch (`orderbatch status` lists the runs)\n"))
        let fast = try await OrderBatchCLI.run(["status", "r", "--db", workspace.db, "--watch", "--interval", "1ms"])
        #expect(fast.exit.status == 64)
        #expect(fast.stderr.hasPrefix("Error: --interval must be a duration from 100ms to 1h, such as 2s (got 1ms)\n"))
    }
}
