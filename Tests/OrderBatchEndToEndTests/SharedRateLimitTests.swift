import Foundation
import OrderBatchCore
import OrderBatchEmulator
import OrderBatchTestSupport
import Testing

/// One rate limit across processes and jobs, through PostgreSQL, as real processes against
/// `orderbatch emulator`; and a SQLite run, whose limit stays its own.
@Suite struct SharedRateLimitTests {
    static func rapydInput(_ workspace: Workspace, _ name: String, prefix: String, count: Int) throws -> String {
        var text = ""
        for i in 1...count { text += #"{"order_id":"order_\#(prefix)\#(i)","metadata":{"n":\#(i)}}"# + "\n" }
        return try workspace.write(name, text)
    }

    @Test func twoJobsOnOneRapydAccountDrawOnOneBudget() async throws {
        let workspace = try Workspace(store: .postgres)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--rate-limits", "off"])
        let extra = "concurrency: 4\npreflight: false\nrate_limit: [600/1m]\n"
        let first = try workspace.job(
            "nightly-a", provider: "rapyd", endpoint: emulator.url,
            input: try Self.rapydInput(workspace, "a.jsonl", prefix: "a", count: 30), extra: extra)
        let second = try workspace.job(
            "nightly-b", provider: "rapyd", endpoint: emulator.url,
            input: try Self.rapydInput(workspace, "b.jsonl", prefix: "b", count: 30), extra: extra)
        let a = try OrderBatchCLI.start(["run", first, "--run-id", "ra"])
        let b = try OrderBatchCLI.start(["run", second, "--run-id", "rb"])
        #expect(try await a.exit(timeout: 180).status == 0, "\(a.stderr)")
        #expect(try await b.exit(timeout: 180).status == 0, "\(b.stderr)")

        let store = try #require(try workspace.openStore() as? PostgresRunStore)
        defer { try? store.close() }
        let scopes = try store.rateLimitScopes()
        // One scope for both jobs: the account (the access key's hash and the host), never the key itself.
        #expect(scopes.count == 1, "\(scopes)")
        let scope = try #require(scopes.first)
        #expect(scope.scope.hasPrefix("account/rapyd/key-sha256:"), "\(scope.scope)")
        #expect(!scope.scope.contains("rak_demo_access") && !scope.scope.contains("rsk_demo_secret"))
        // Every request of both runs took its token from that scope.
        let stats = try await emulator.stats()
        #expect(stats.requests == 60)
        #expect(scope.granted >= 60, "\(scope)")
        #expect(stats.rateLimited == 0 && scope.rateLimited == 0)
        try await emulator.stop()
    }

    @Test func runScopeKeepsTheBudgetToTheRun() async throws {
        let workspace = try Workspace(store: .postgres)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--rate-limits", "off"])
        let job = try workspace.job(
            "scoped", provider: "rapyd", endpoint: emulator.url,
            input: try Self.rapydInput(workspace, "a.jsonl", prefix: "s", count: 5),
            extra: "preflight: false\nrate_limit: [600/1m]\nrate_limit_scope: run\n")
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "rs"])
        #expect(run.exit.status == 0, "\(run.stderr)")
        let store = try #require(try workspace.openStore() as? PostgresRunStore)
        defer { try? store.close() }
        #expect(try store.rateLimitScopes().map(\.scope) == ["run/rs"])
        try await emulator.stop()
    }

    @Test func withSQLiteTheScopeIsIgnoredWithANote() async throws {
        let workspace = try Workspace(store: .sqlite)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--rate-limits", "off"])
        let job = try workspace.job(
            "local", provider: "rapyd", endpoint: emulator.url,
            input: try Self.rapydInput(workspace, "a.jsonl", prefix: "l", count: 3),
            extra: "preflight: false\nrate_limit_scope: account\n")
        let run = try await OrderBatchCLI.run(["run", job])
        #expect(run.exit.status == 0, "\(run.stderr)")
        #expect(
            run.stderr.contains("rate_limit_scope: account has no effect with a SQLite state file"), "\(run.stderr)")
        #expect(try await emulator.stats().requests == 3)
        try await emulator.stop()
    }
}
