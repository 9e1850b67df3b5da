import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// `orderbatch cancel RUN`: a crashed or stopped run is closed for good, a live one is not touched (75), and
/// `resume`, `retry`, `status`, `report` and `run` treat a canceled run as closed.
@Suite struct CancelCommandTests {
    @Test func aCrashedRunIsCanceledItsRowsInFlightBecomeUnknownAndANewRunMayStart() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let old = try workspace.juspayCSV("old.csv", prefix: "CXA", count: 200)
        let new = try workspace.juspayCSV("new.csv", prefix: "CXB", count: 3)
        let job = try workspace.job("crashy", endpoint: emulator.url, extra: "concurrency: 2\n")
        let db = workspace.db
        let child = try OrderBatchCLI.start(["run", job, "--input", old, "--run-id", "crash"])
        _ = try await OrderBatchCLI.waitForCounts(run: "crash", db: db) { $0["succeeded", default: 0] >= 1 }
        child.send(SIGKILL)
        #expect(try await child.exit() == ChildProcess.Exit(status: SIGKILL, bySignal: true))
        let before = try #require(try await OrderBatchCLI.counts(run: "crash", db: db))

        let refused = try await OrderBatchCLI.run(["run", job, "--input", new, "--run-id", "next"])
        #expect(refused.exit.status == 3, "\(refused.stderr)")
        #expect(
            refused.stderr.hasPrefix(
                "orderbatch: job crashy has an unfinished run crash (running with no live process (killed or crashed), "
            ),
            "\(refused.stderr)")

        let cancel = try await OrderBatchCLI.run(["cancel", "crash", "--job", job])
        #expect(cancel.exit.status == 0, "\(cancel.stderr)")
        let after = try #require(try await OrderBatchCLI.counts(run: "crash", db: db))
        #expect(after["in_flight"] == 0)
        #expect(after["unknown"] == before["unknown", default: 0] + before["in_flight", default: 0])
        #expect(after["succeeded"] == before["succeeded"] && after["pending"] == before["pending"])
        let left = after["pending", default: 0] + after["unknown", default: 0]
        #expect(
            cancel.stdout.hasPrefix("run crash canceled (it was running with no live process (killed or crashed), "),
            "\(cancel.stdout)")
        #expect(
            cancel.stdout.hasSuffix(
                """
                  200 rows: \(after["succeeded", default: 0]) succeeded, 0 failed, 0 skipped, 0 invalid; \
                \(after["pending", default: 0]) pending and \(after["unknown", default: 0]) unknown will never be sent
                  rows left: orderbatch report crash --db \(db) --state pending,unknown

                """), "\(cancel.stdout)")
        #expect(left > 0)

        let status = try JSON.object(try await OrderBatchCLI.run(["status", "crash", "--db", db, "--json"]).stdout)
        #expect(status["state"] as? String == "canceled")
        #expect(status["reason"] as? String == "by orderbatch cancel")
        #expect(status["process"] is NSNull)
        let list = try await OrderBatchCLI.run(["status", "--db", db])
        #expect(list.stdout.contains("crash  crashy  canceled (by orderbatch cancel)"), "\(list.stdout)")
        let report = try await OrderBatchCLI.run(
            ["report", "crash", "--db", db, "--state", "pending,unknown", "--format", "jsonl"])
        #expect(report.exit.status == 0)
        #expect(report.stdout.split(separator: "\n").count == left)

        let again = try await OrderBatchCLI.run(["cancel", "crash", "--db", db])
        #expect(again.exit.status == 0)
        #expect(
            again.stdout == "run crash is canceled (by orderbatch cancel) and sends nothing more; nothing to cancel\n")
        let resume = try await OrderBatchCLI.run(["resume", "crash", "--db", db])
        #expect(resume.exit.status == 2, "\(resume.stderr)")
        #expect(
            resume.stderr.hasPrefix(
                "orderbatch: run crash was canceled (by orderbatch cancel) and sends nothing more; nothing to resume."))

        let sent = try await emulator.stats().requests
        try await emulator.setLatency("none")
        let next = try await OrderBatchCLI.run(["run", job, "--input", new, "--run-id", "next"])
        #expect(next.exit.status == 0, "\(next.stderr)")
        let stats = try await emulator.stats()
        #expect(stats.requests == sent + 6)  // the new run's 3 preflights and 3 updates; nothing of the old run
        #expect(stats.appliedByOrder.values.allSatisfy { $0 == 1 })
        try await emulator.stop()
    }

    @Test func aRunWhoseProcessIsLiveIsNotCanceled() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "CLV", count: 200)
        let job = try workspace.job("busy", endpoint: emulator.url, input: input, extra: "concurrency: 2\n")
        let db = workspace.db
        let child = try OrderBatchCLI.start(["run", job, "--run-id", "live"])
        _ = try await OrderBatchCLI.waitForCounts(run: "live", db: db) { $0["succeeded", default: 0] >= 1 }

        let refused = try await OrderBatchCLI.run(["cancel", "live", "--db", db])
        #expect(refused.exit.status == 75, "\(refused.stderr)")
        #expect(
            refused.stderr.hasPrefix("orderbatch: job busy is being executed by pid \(child.pid) on host "),
            "\(refused.stderr)")
        #expect(
            refused.stderr.hasSuffix(
                "; run live was not canceled (exit 75). Stop that process first (SIGTERM), then cancel.\n"))
        #expect(refused.stdout.isEmpty)

        child.send(SIGTERM)
        #expect(try await child.exit().status == 3, "\(child.stderr)")
        let cancel = try await OrderBatchCLI.run(["cancel", "live", "--db", db])
        #expect(cancel.exit.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout.hasPrefix("run live canceled (it was stopped ("), "\(cancel.stdout)")
        let retry = try await OrderBatchCLI.run(["retry", "live", "--db", db])
        #expect(retry.exit.status == 2, "\(retry.stderr)")

        let unknown = try await OrderBatchCLI.run(["cancel", "nope", "--db", db])
        #expect(unknown.exit.status == 64, "\(unknown.stderr)")
        try await emulator.stop()
    }
}
