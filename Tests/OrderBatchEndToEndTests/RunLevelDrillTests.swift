import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// Failures that are the account's, the endpoint's or the network's, not the rows' (issue: fail-safe
/// at night, item 3): the run stops promptly with exit 3, names the cause and the fix, fails no row,
/// and `resume` alone finishes once the cause is gone.
@Suite struct RunLevelDrillTests {
    @Test func nothingAnsweringAtTheEndpointStopsTheRunWithEveryRowPending() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // A port that was just listening and is now closed: connections are refused.
        let emulator = try await ExternalEmulator([])
        let url = emulator.url
        try await emulator.stop()
        let input = try workspace.juspayCSV("in.csv", prefix: "REF", count: 200)
        let job = try workspace.job("refused", endpoint: url, input: input, extra: "concurrency: 8\n")
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "ref", "--json"])
        #expect(run.exit.status == 3, "\(run.stderr)")
        let summary = try JSON.object(run.stdout)
        let reason = try #require(summary["reason"] as? String)
        #expect(reason.contains("nothing answers at the endpoint"), "\(reason)")
        #expect(reason.contains("Connection refused") || reason.contains("could_not_connect"), "\(reason)")
        #expect(reason.contains("orderbatch resume ref"), "\(reason)")
        let counts = try #require(summary["counts"] as? [String: Int])
        #expect(counts["failed"] == 0 && counts["pending"] == 200, "\(counts)")
        // Promptly: about two answers per concurrency slot at most.
        let requests = try ["attempts", "preflights", "reconciles"].map { try #require(summary[$0] as? Int) }.reduce(
            0, +)
        #expect(requests >= RunLevelCondition.transportThreshold && requests <= 2 * 8, "\(requests) requests")

        // The provider is back on the same port: resume alone finishes every row.
        try await emulator.restart()
        let resume = try await OrderBatchCLI.run(["resume", "ref", "--db", workspace.db])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        #expect(try await OrderBatchCLI.counts(run: "ref", db: workspace.db)?["succeeded"] == 200)
        try await emulator.stop()
    }

    @Test func aHostThatDoesNotResolveStopsTheRunNamingDNS() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "DNS", count: 50)
        let job = try workspace.job(
            "dns", endpoint: "https://orderbatch-drill.invalid", input: input, extra: "concurrency: 2\n")
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "dns"])
        #expect(run.exit.status == 3, "\(run.stderr)")
        #expect(run.stdout.contains("the endpoint's host name does not resolve"), "\(run.stdout)")
        #expect(run.stdout.contains("check the job's endpoint host and this machine's DNS"), "\(run.stdout)")
        #expect(run.stdout.contains("0 failed"), "\(run.stdout)")
        #expect(run.stdout.contains("continue: orderbatch resume dns"), "\(run.stdout)")
    }
}
