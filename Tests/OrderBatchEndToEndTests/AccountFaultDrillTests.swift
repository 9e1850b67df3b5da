import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// A revoked key and a proxy that mangles answers (issue: fail-safe at night, items 2 and 3), through
/// the emulator's account faults: the run neither burns rows into `failed` nor floods the provider.
@Suite struct AccountFaultDrillTests {
    @Test func aKeyRevokedMidRunStopsTheRunAndResumeFinishesOnceItIsRestored() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--revoke-after", "60"])
        let input = try workspace.juspayCSV("in.csv", prefix: "REV", count: 600)
        let job = try workspace.job("revoked", endpoint: emulator.url, input: input, extra: "concurrency: 8\n")
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "rev", "--json"])
        #expect(run.exit.status == 3, "\(run.stderr)")
        let summary = try JSON.object(run.stdout)
        let reason = try #require(summary["reason"] as? String)
        #expect(reason.hasPrefix("Juspay refused the credentials (HTTP 401"), "\(reason)")
        #expect(reason.contains("check JUSPAY_API_KEY, then `orderbatch resume rev`"), "\(reason)")
        let counts = try #require(summary["counts"] as? [String: Int])
        #expect(counts["failed"] == 0 && counts["unknown"] == 0, "\(counts)")
        #expect(counts["succeeded"] == 60 && counts["pending"] == 540, "\(counts)")
        // Promptly: about two answers per concurrency slot after the key went.
        let refusals = try await emulator.stats().revokedRefusals
        #expect(refusals <= 2 * 8, "\(refusals) requests refused before the stop")

        let restored = try await HTTPProbe.send("POST", emulator.url + "/__emulator/credentials/restore")
        #expect(restored.status == 200)
        let resume = try await OrderBatchCLI.run(["resume", "rev", "--db", workspace.db])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        let stats = try await emulator.stats()
        #expect(stats.appliedByOrder.count == 600)
        #expect(stats.appliedByOrder.values.allSatisfy { $0 == 1 })
        try await emulator.stop()
    }

    @Test func unreadableAnswersToUpdatesAndReadsCostEachRowABoundedNumberOfRequests() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--garble", "both"])
        let input = try workspace.juspayCSV("in.csv", prefix: "GRB", count: 200)
        // The breaker out of the way: the per-row bound alone must end the run.
        let job = try workspace.job(
            "garbled", endpoint: emulator.url, input: input,
            extra:
                "concurrency: 8\npreflight: false\nbreaker:\n  consecutive_failures: 100000\nretry:\n  max_attempts: 5\n  backoff_base: 10ms\n  backoff_max: 50ms\n  budget: 10\n"
        )
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "grb"], timeout: 120)
        #expect(run.exit.status == 3, "\(run.stderr)")
        let counts = try #require(try await OrderBatchCLI.counts(run: "grb", db: workspace.db))
        #expect(counts["unknown"] == 200 && counts["failed"] == 0, "\(counts)")
        let stats = try await emulator.stats()
        #expect(stats.requests <= 200 * 7, "\(stats.requests) requests for 200 rows")
        let items = try workspace.items(run: "grb")
        #expect(items.allSatisfy { ($0.errorMessage ?? "").contains("its fate could not be read") }, "\(items.first!)")

        // The proxy is gone: resume reads every order back and finds each update in effect.
        _ = try await HTTPProbe.send("POST", emulator.url + "/__emulator/garble/none")
        let resume = try await OrderBatchCLI.run(["resume", "grb", "--db", workspace.db])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        let after = try await emulator.stats()
        #expect(after.appliedByOrder.count == 200)
        #expect(after.appliedByOrder.values.allSatisfy { $0 == 1 })
        try await emulator.stop()
    }
}
