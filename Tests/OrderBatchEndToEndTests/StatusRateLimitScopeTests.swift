import Foundation
import OrderBatchCore
import OrderBatchTestSupport
import Testing

/// `status RUN` of a run recorded in PostgreSQL shows the shared rate limit its workers draw on: the scope's
/// key (the account as the provider module names it, never a key), the share of the limits allowed now, and
/// the pause every worker honours after a 429, in text and in `--json`.
@Suite struct StatusRateLimitScopeTests {
    @Test func statusShowsTheAccountScopeItsShareAndThePauseAfterA429() async throws {
        let workspace = try Workspace(store: .postgres)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--rate-limits", "off"])
        let input = try SharedRateLimitTests.rapydInput(workspace, "a.jsonl", prefix: "st", count: 5)
        let job = try workspace.job(
            "scope-status", provider: "rapyd", endpoint: emulator.url, input: input,
            extra: "preflight: false\nrate_limit: [600/1m]\n")
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "ss"])
        #expect(run.exit.status == 0, "\(run.stderr)")

        let store = try #require(try workspace.openStore() as? PostgresRunStore)
        defer { try? store.close() }
        let key = try #require(try store.rateLimitScopes().first?.scope)
        let host = "127.0.0.1:\(emulator.port)"
        #expect(key.hasPrefix("account/rapyd/key-sha256:") && key.hasSuffix("@" + host), "\(key)")
        #expect(!key.contains("rak_demo_access"))

        let text = try await OrderBatchCLI.run(["status", "ss", "--db", workspace.db])
        #expect(text.exit.status == 0, "\(text.stderr)")
        #expect(
            text.stdout.contains(
                "rate limit scope  \(key) (shared by every job on this provider account), 100% of the limits (0 429s, "),
            "\(text.stdout)")
        #expect(!text.stdout.contains("paused"), "\(text.stdout)")

        // A worker meets a 429 (the call every worker makes), with no Retry-After: a 60 s pause, half the share.
        let tokens = try PostgresRateTokens(
            url: try PostgresURL(workspace.db), scope: key, windows: [RateWindow(limit: 600, seconds: 60)])
        defer { tokens.close() }
        try tokens.rateLimited(ageSeconds: 0, pauseSeconds: 60)

        let paused = try await OrderBatchCLI.run(["status", "ss", "--db", workspace.db])
        let expected = "\(key) (shared by every job on this provider account), 50% of the limits, every worker paused "
        #expect(paused.stdout.contains(expected), "\(paused.stdout)")
        #expect(paused.stdout.contains(" s more after a 429 (1 429s, "), "\(paused.stdout)")
        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "ss", "--db", workspace.db, "--json"]).stdout)
        let scope = try #require(json["rate_limit_scope"] as? [String: Any], "\(json)")
        #expect(scope["scope"] as? String == "account")
        #expect(scope["key"] as? String == key)
        #expect((scope["share"] as? Double).map { abs($0 - 0.5) < 0.01 } == true, "\(scope)")
        let pause = try #require(scope["paused_seconds"] as? Double, "\(scope)")
        #expect(pause > 0 && pause <= 60)
        #expect(scope["rate_limited"] as? Int == 1)
        #expect((scope["granted"] as? Int ?? 0) >= 5)
        try await emulator.stop()
    }

    @Test func aRunWithoutWindowsHasNoScopeAndSQLiteHasNoMember() async throws {
        let workspace = try Workspace(store: .postgres)
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "NRL", count: 3)
        let job = try workspace.job("no-limit", endpoint: "emulator", input: input, extra: "rate_limit: none\n")
        #expect(try await OrderBatchCLI.run(["run", job, "--run-id", "nl"]).exit.status == 0)
        let text = try await OrderBatchCLI.run(["status", "nl", "--db", workspace.db])
        #expect(!text.stdout.contains("rate limit scope"), "\(text.stdout)")
        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "nl", "--db", workspace.db, "--json"]).stdout)
        #expect(json.keys.contains("rate_limit_scope") && json["rate_limit_scope"] is NSNull, "\(json)")

        let local = try Workspace(store: .sqlite)
        defer { local.remove() }
        let localJob = try local.job(
            "local", endpoint: "emulator", input: try local.juspayCSV("in.csv", prefix: "LOC", count: 2))
        #expect(try await OrderBatchCLI.run(["run", localJob, "--run-id", "lo"]).exit.status == 0)
        let localJSON = try JSON.object(
            try await OrderBatchCLI.run(["status", "lo", "--db", local.db, "--json"]).stdout)
        #expect(!localJSON.keys.contains("rate_limit_scope"))
    }
}
