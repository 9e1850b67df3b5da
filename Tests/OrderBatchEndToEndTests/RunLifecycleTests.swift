import Foundation
import OrderBatchCore
import OrderBatchEmulator
import OrderBatchTestSupport
import Testing

/// A run's life after its first invocation, as real processes against `orderbatch emulator` on loopback:
/// the same input refused a second time, a second process on a held job (75), `retry` of failed rows, a
/// report fed back as input, and `--max-failures`.
@Suite struct RunLifecycleTests {
    @Test(arguments: StoreKind.allCases) func theSameInputIsRefusedASecondTimeUnlessAllowRerun(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let input = try workspace.juspayCSV("in.csv", prefix: "RER", count: 3)
        let job = try workspace.job("rerun", endpoint: emulator.url, input: input)
        #expect(try await OrderBatchCLI.run(["run", job, "--run-id", "first"]).exit.status == 0)
        let requests = try await emulator.stats().requests

        // As implemented (RunCommand): a refusal, not an error, so a cron line firing twice stays quiet.
        let second = try await OrderBatchCLI.run(["run", job, "--run-id", "second"])
        #expect(second.exit.status == 0, "\(second.stderr)")
        #expect(
            second.stderr.contains("job rerun already ran this input (SHA-256 "), "\(second.stderr)")
        #expect(
            second.stderr.contains(
                "as run first, which finished; nothing was sent. Pass --allow-rerun to send it again."))
        #expect(second.stdout.isEmpty)
        #expect(try await emulator.stats().requests == requests)
        #expect(try await OrderBatchCLI.run(["status", "second", "--db", workspace.db]).exit.status == 64)

        let allowed = try await OrderBatchCLI.run(["run", job, "--run-id", "third", "--allow-rerun"])
        #expect(allowed.exit.status == 0, "\(allowed.stderr)")
        #expect(try await emulator.stats().appliedByOrder.values.sorted() == [2, 2, 2])

        // Another input of the same job is not a re-run.
        let other = try workspace.juspayCSV("other.csv", prefix: "OTH", count: 1)
        #expect(try await OrderBatchCLI.run(["run", job, "--input", other]).exit.status == 0)
        try await emulator.stop()
    }

    @Test(arguments: StoreKind.allCases) func aSecondProcessOnAHeldJobExits75(_ store: StoreKind) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let input = try workspace.juspayCSV("in.csv", prefix: "LSE", count: 2)
        let job = try workspace.job("leased", endpoint: emulator.url, input: input)

        // Another live process (this test) holds the job's lease.
        let store = try StateDatabase.open(workspace.db, purpose: .create)
        let owner = LeaseOwner.current()
        #expect(
            try store.acquireLease(jobName: "leased", runID: "elsewhere", owner: owner, ttlSeconds: 60)
                == .acquired(takenOver: []))
        let refused = try await OrderBatchCLI.run(["run", job, "--run-id", "l1"])
        #expect(refused.exit.status == 75, "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                "job leased is already being executed by pid \(getpid()) on host \(owner.host) (run elsewhere"),
            "\(refused.stderr)")
        #expect(try store.run(id: "l1") == nil)
        #expect(try await emulator.stats().requests == 0)

        try store.releaseLease(jobName: "leased", runID: "elsewhere", owner: owner)
        try store.close()
        #expect(try await OrderBatchCLI.run(["run", job, "--run-id", "l1"]).exit.status == 0)
        try await emulator.stop()
    }

    @Test(arguments: StoreKind.allCases) func twoProcessesAtOnceTheSecondExits75(_ store: StoreKind) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "TWO", count: 200)
        // 4 requests/s: the 400 requests take 100 s, so the run is still sending when the SIGTERM comes, however
        // long a loaded machine takes to start the four processes in between (at concurrency 2 alone it once
        // finished first).
        let job = try workspace.job(
            "twice", endpoint: emulator.url, input: input, extra: "concurrency: 2\nrate_limit: 4\n")
        let first = try OrderBatchCLI.start(["run", job, "--run-id", "t1"])
        _ = try await OrderBatchCLI.waitForCounts(run: "t1", db: workspace.db) { $0["succeeded", default: 0] >= 1 }

        let other = try workspace.juspayCSV("other.csv", prefix: "TWX", count: 2)
        let second = try await OrderBatchCLI.run(["run", job, "--input", other, "--run-id", "t2"])
        #expect(second.exit.status == 75, "\(second.stderr)")
        #expect(
            second.stderr.contains("job twice is already being executed by pid \(first.pid) on host "),
            "\(second.stderr)")
        #expect(second.stderr.contains("(run t1,"))
        let resume = try await OrderBatchCLI.run(["resume", "t1", "--db", workspace.db])
        #expect(resume.exit.status == 75, "\(resume.stderr)")
        #expect(try await emulator.stats().appliedByOrder.keys.allSatisfy { $0.hasPrefix("TWO") })

        // The same input while its run executes: 75 as well, not a second run.
        let same = try await OrderBatchCLI.run(["run", job, "--run-id", "t3"])
        #expect(same.exit.status == 75, "\(same.stderr)")

        first.send(SIGTERM)
        #expect(try await first.exit().status == 3, "\(first.stderr)")
        // Stopped with rows left: running the same input again points at resume instead of starting afresh.
        let again = try await OrderBatchCLI.run(["run", job, "--run-id", "t4"])
        #expect(again.exit.status == 3, "\(again.stderr)")
        #expect(
            again.stderr.contains(
                "as run t1, which is stopped with rows left; nothing was sent. Continue it: orderbatch resume t1 --db \(workspace.dbWord)"
            ),
            "\(again.stderr)")
        let store = try workspace.openStore()
        #expect(try store.recentRuns(limit: 10).map(\.id) == ["t1"])
        try store.close()
        try await emulator.stop()
    }

    // MARK: - Permanent failures, retry, --max-failures

    @Test(arguments: StoreKind.allCases) func retrySendsOnlyTheFailedRowsUnderNewGenerationKeys(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let orders = try workspace.write(
            "orders.jsonl",
            """
            {"provider":"juspay","order_id":"RTY00001","status":"NEW"}
            {"provider":"juspay","order_id":"RTY00002","status":"NEW"}
            {"provider":"juspay","order_id":"RTY00003","status":"CHARGED"}

            """)
        let emulator = try await ExternalEmulator(["--orders", orders, "--unknown-orders", "not-found"])
        let input = try workspace.juspayCSV("in.csv", prefix: "RTY", count: 5)
        let job = try workspace.job("retry", endpoint: emulator.url, input: input)

        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "rt"])
        #expect(run.exit.status == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("5 rows: 2 succeeded, 2 failed, 1 skipped"), "\(run.stdout)")
        #expect(run.stdout.contains("send them again: orderbatch retry rt --db \(workspace.dbWord)"))
        let failed = try await OrderBatchCLI.run(
            ["report", "rt", "--db", workspace.db, "--state", "failed", "--format", "jsonl"])
        let rows = try failed.stdout.split(separator: "\n").map { try JSON.object(String($0)) }
        #expect(rows.map { $0["order_id"] as? String } == ["RTY00004", "RTY00005"])
        #expect(
            rows.allSatisfy { $0["ob_error_code"] as? String == "NOT_FOUND" && $0["ob_http_status"] as? Int == 400 })
        #expect(rows.map { $0["ob_input_line"] as? Int } == [5, 6])
        let skipped = try await OrderBatchCLI.run(
            ["report", "rt", "--db", workspace.db, "--state", "skipped", "--format", "jsonl"])
        #expect(skipped.stdout.contains(#""order_id":"RTY00003""#) && skipped.stdout.contains("CHARGED"))
        let before = try workspace.items(run: "rt")
        #expect(before.map(\.idempotencyKey) == (1...5).map { "ob-rt-\($0)-g1" })

        // The missing orders now exist: only the two failed rows are sent again, under new keys.
        try await emulator.restart(["--orders", orders, "--unknown-orders", "create"])
        let retry = try await OrderBatchCLI.run(["retry", "rt", "--db", workspace.db])
        #expect(retry.exit.status == 1, "\(retry.stderr)")  // RTY00003 stays skipped
        #expect(retry.stderr.contains("run rt: 2 rows to send again"), "\(retry.stderr)")
        #expect(retry.stdout.contains("5 rows: 4 succeeded, 0 failed, 1 skipped"), "\(retry.stdout)")
        let counts = try #require(try await OrderBatchCLI.counts(run: "rt", db: workspace.db))
        #expect(counts["succeeded"] == 4 && counts["failed"] == 0 && counts["skipped"] == 1)
        let stats = try await emulator.stats()
        #expect(stats.appliedByOrder == ["RTY00004": 1, "RTY00005": 1])
        let after = try workspace.items(run: "rt")
        #expect(after.map(\.idempotencyKey) == ["ob-rt-1-g1", "ob-rt-2-g1", "ob-rt-3-g1", "ob-rt-4-g2", "ob-rt-5-g2"])
        #expect(after.map(\.generation) == [1, 1, 1, 2, 2])
        #expect(after.map(\.state) == [.succeeded, .succeeded, .skipped, .succeeded, .succeeded])
        try await emulator.stop()
    }

    /// The operator's loop: report the failed rows as CSV, fix them, feed the file back with `--input`. Cells the
    /// report guarded against spreadsheets (`-`, `=…`) go back to the provider as they were in the input.
    @Test(arguments: StoreKind.allCases) func aReportOfFailedRowsFedBackAsInputSendsTheOriginalValues(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let orders = try workspace.write(
            "orders.jsonl", #"{"provider":"juspay","order_id":"FB00001","status":"NEW"}"# + "\n")
        let emulator = try await ExternalEmulator(["--orders", orders, "--unknown-orders", "not-found"])
        let input = try workspace.write(
            "in.csv",
            "order_id,routing_id,amount,shipping_address_line1,shipping_address_line2\n"
                + "FB00001,cust1,10.00,=Main St,-\n"
                + "FB00002,cust2,20.00,=Main St,-\n")
        let job = try workspace.job("feedback", endpoint: emulator.url, input: input)
        let first = try await OrderBatchCLI.run(["run", job, "--run-id", "fb1"])
        #expect(first.exit.status == 1, "\(first.stdout)\n\(first.stderr)")

        let report = workspace.path("failed.csv")
        let written = try await OrderBatchCLI.run(
            ["report", "fb1", "--db", workspace.db, "--state", "failed", "--output", report])
        #expect(written.exit.status == 0, "\(written.stderr)")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("FB00002,cust2,20.00,'=Main St,'-,3,failed,400,NOT_FOUND,"), "\(text)")

        // The order exists now; the report goes back in as it is (ob_ columns and all).
        try await emulator.restart(["--orders", orders, "--unknown-orders", "create"])
        let again = try await OrderBatchCLI.run(["run", job, "--input", report, "--run-id", "fb2"])
        #expect(again.exit.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(try await emulator.stats().appliedByOrder == ["FB00002": 1])
        let item = try #require(try workspace.items(run: "fb2").first)
        #expect(
            item.inputJSON.contains(#""shipping_address_line1":"=Main St","shipping_address_line2":"-""#),
            "\(item.inputJSON)")
        // The earlier run's outcome columns are not kept as input: this run's report has one set of ob_ columns.
        #expect(!item.inputJSON.contains("ob_"), "\(item.inputJSON)")
        let second = try await OrderBatchCLI.run(["report", "fb2", "--db", workspace.db, "--state", "all"])
        #expect(
            second.stdout.hasPrefix(
                "order_id,routing_id,amount,shipping_address_line1,shipping_address_line2,ob_input_line,ob_state,"),
            "\(second.stdout)")
        try await emulator.stop()
    }

    @Test(arguments: StoreKind.allCases) func maxFailuresStopsTheRunEarlyWithExit3(_ store: StoreKind) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--unknown-orders", "not-found"])
        let input = try workspace.juspayCSV("in.csv", prefix: "MXF", count: 20)
        let job = try workspace.job("maxfail", endpoint: emulator.url, input: input, extra: "concurrency: 1\n")
        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "mf", "--max-failures", "2", "--json"])
        #expect(result.exit.status == 3, "\(result.stderr)")
        let summary = try JSON.object(result.stdout)
        #expect(summary["state"] as? String == "stopped")
        #expect((summary["reason"] as? String)?.contains("--max-failures 2") == true, "\(result.stdout)")
        let counts = try #require(summary["counts"] as? [String: Int])
        // One request at a time: the third failure stops the run, the rest stay pending.
        #expect(counts["failed"] == 3 && counts["pending"] == 17, "\(counts)")
        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "mf", "--db", workspace.db, "--json"]).stdout)
        #expect(status["state"] as? String == "stopped")
        #expect(try await emulator.stats().requests == 3)
        try await emulator.stop()
    }
}
