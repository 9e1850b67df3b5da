import Foundation
import OrderBatchCore
import Testing

/// The summary's figures, `status RUN` and `orderbatch log` on a run whose every request the test knows: five
/// Juspay rows (preflight on) against an emulator where two orders are NEW, one CHARGED (skipped) and two do not
/// exist (NOT_FOUND), then `retry` once the two exist: 5 status reads and 2 updates, then 2 and 2.
@Suite struct RunStoryCommandTests {
    private static let orders = """
        {"provider":"juspay","order_id":"STY00001","status":"NEW"}
        {"provider":"juspay","order_id":"STY00002","status":"NEW"}
        {"provider":"juspay","order_id":"STY00003","status":"CHARGED"}

        """

    @Test func theSummaryStatusAndLogTellTheRunsRequests() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let orders = try workspace.write("orders.jsonl", Self.orders)
        let emulator = try await ExternalEmulator(["--orders", orders, "--unknown-orders", "not-found"])
        let input = try workspace.juspayCSV("in.csv", prefix: "STY", count: 5)
        // Exact counts below: a 20 s request timeout, not Juspay's 1 s, which a CPU-starved emulator can miss.
        let job = try workspace.job(
            "story", endpoint: emulator.url, input: input, extra: "timeouts:\n  request: 20s\n")
        let host = String(emulator.url.dropFirst("http://".count))

        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "st"])
        #expect(run.exit.status == 1, "\(run.stdout)\n\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "  endpoint: \(host) (a loopback address: an emulator or proxy on this machine, not juspay itself)"),
            "\(run.stdout)")
        #expect(lines.contains("  errors: 2 NOT_FOUND"), "\(run.stdout)")
        #expect(lines.contains("  429s: none"), "\(run.stdout)")
        #expect(
            lines.contains { $0.hasPrefix("  latency ms: preflight ") && $0.contains("; update ") }, "\(run.stdout)")
        #expect(lines.contains { $0.hasPrefix("  rate: ") && $0.hasSuffix("; no limit set (rate_limit: none)") })
        #expect(!run.stdout.contains("this invocation"))

        try await emulator.restart(["--orders", orders, "--unknown-orders", "create"])
        let retry = try await OrderBatchCLI.run(["retry", "st", "--db", workspace.db])
        #expect(retry.exit.status == 1, "\(retry.stdout)\n\(retry.stderr)")
        let text = retry.stdout
        #expect(text.contains("  this invocation (retry): 2 rows settled in "), "\(text)")
        #expect(
            text.contains(
                "    requests: 2 updates, 2 status reads (preflight), 0 reconciliations; 0 retries, 0 rate-limited\n"),
            "\(text)")
        #expect(text.contains("    errors: none\n"), "\(text)")
        #expect(text.contains("  whole run (every invocation): 5 rows settled\n"), "\(text)")
        #expect(text.contains("    requests: 11 (7 preflight, 4 update, 0 reconcile)\n"), "\(text)")
        #expect(text.contains("    errors: 2 NOT_FOUND\n"), "\(text)")

        // Plain status leaves out the figures (they read every attempt); --figures adds them.
        let plain = try await OrderBatchCLI.run(["status", "st", "--db", workspace.db])
        #expect(plain.exit.status == 0)
        let plainLines = plain.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(plainLines.contains("claimed 0"), "\(plain.stdout)")
        #expect(plainLines.contains { $0.hasPrefix("endpoint ") }, "\(plain.stdout)")
        #expect(!plainLines.contains { $0.hasPrefix("requests ") || $0.hasPrefix("errors ") }, "\(plain.stdout)")
        let plainJSON = try JSON.object(
            try await OrderBatchCLI.run(["status", "st", "--db", workspace.db, "--json"]).stdout)
        #expect(plainJSON["whole_run"] is NSNull)
        #expect((plainJSON["endpoint"] as? [String: Any])?["emulator"] as? Bool == false)

        let status = try await OrderBatchCLI.run(["status", "st", "--db", workspace.db, "--figures"])
        #expect(status.exit.status == 0)
        let statusLines = status.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(statusLines.contains("requests 11 (7 preflight, 4 update, 0 reconcile)"), "\(status.stdout)")
        #expect(statusLines.contains("errors 2 NOT_FOUND"), "\(status.stdout)")
        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "st", "--db", workspace.db, "--json", "--figures"]).stdout)
        let whole = try #require(json["whole_run"] as? [String: Any])
        #expect((whole["requests"] as? [String: Int])?["total"] == 11)

        let log = try await OrderBatchCLI.run(["log", "st", "--db", workspace.db])
        #expect(log.exit.status == 0, "\(log.stderr)")
        let rows = log.stdout.split(separator: "\r\n").map(String.init)
        #expect(
            rows.first == "time,order_id,row,phase,generation,attempt,latency_ms,http_status,outcome,error_code,message"
        )
        #expect(rows.count == 12)
        let times = rows.dropFirst().map { String($0.prefix(24)) }
        #expect(times == times.sorted())
        #expect(!log.stdout.contains("jp_demo_key"))

        let one = try await OrderBatchCLI.run([
            "log", "st", "--db", workspace.db, "--order", "STY00004", "--format", "jsonl",
        ])
        let entries = try one.stdout.split(separator: "\n").map { try JSON.object(String($0)) }
        #expect(entries.map { $0["phase"] as? String } == ["preflight", "preflight", "update"])
        #expect(entries.map { $0["generation"] as? Int } == [1, 2, 2])
        #expect(entries.first?["error_code"] as? String == "NOT_FOUND")
        #expect(entries.first?["outcome"] as? String == "permanent")
        #expect(entries.last?["http_status"] as? Int == 200)

        let none = try await OrderBatchCLI.run(["log", "st", "--db", workspace.db, "--order", "NOPE"])
        #expect(none.exit.status == 0)
        #expect(none.stderr.contains("run st sent no request for order NOPE"))
        try await emulator.stop()
    }

    /// A copy of a job left on `endpoint: emulator` "succeeds" without credentials: the summary says so.
    @Test func theBuiltInEmulatorIsNamedInTheSummary() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "EMU", count: 3)
        let job = try workspace.job("emu", endpoint: "emulator", input: input)
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "e1"])
        #expect(run.exit.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("  endpoint: THE BUILT-IN EMULATOR (http://127.0.0.1:"), "\(run.stdout)")
        #expect(run.stdout.contains("NOTHING WAS SENT TO JUSPAY"))
        let json = try JSON.object(
            try await OrderBatchCLI.run(["run", job, "--run-id", "e2", "--allow-rerun", "--json"]).stdout)
        let endpoint = try #require(json["endpoint"] as? [String: Any])
        #expect(endpoint["emulator"] as? Bool == true && endpoint["setting"] as? String == "emulator")
        let invocation = try #require(json["invocation"] as? [String: Any])
        #expect((invocation["requests"] as? [String: Int])?["total"] == 6)
        #expect(invocation["rows_settled"] as? Int == 3)
        #expect(json["whole_run"] is NSNull)
    }
}
