import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// `kill -9` while `run` is still recording its input (nothing sent yet): `resume` records the input again
/// from the start, and a later `run` of the same input supersedes the interrupted one. Either way no row is
/// lost and none is sent twice.
@Suite struct IngestInterruptionTests {
    static let rows = 40_000

    /// Starts `run`, SIGKILLs it as soon as the first batch of rows is recorded, and returns how many were.
    private func killWhileIngesting(job: String, run: String, workspace: Workspace) async throws -> Int {
        let child = try OrderBatchCLI.start(["run", job, "--run-id", run])
        let counts = try await OrderBatchCLI.waitForCounts(run: run, db: workspace.db) { $0["total", default: 0] > 0 }
        child.send(SIGKILL)
        #expect(try await child.exit() == ChildProcess.Exit(status: SIGKILL, bySignal: true))
        let store = try SQLiteRunStore(path: workspace.db)
        defer { try? store.close() }
        let state = try #require(try store.run(id: run)).state
        let recorded = try store.counts(runID: run).total
        try #require(
            state == .ingesting && recorded < Self.rows, "the kill landed after the ingest: \(state), \(counts)")
        return recorded
    }

    @Test func resumeRecordsTheWholeInputAgainAndRefusesAChangedFile() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator([])
        let input = try workspace.juspayCSV("in.csv", prefix: "ING", count: Self.rows)
        let job = try workspace.job("ingest", endpoint: emulator.url, input: input, extra: "preflight: false\n")
        let recorded = try await killWhileIngesting(job: job, run: "ig", workspace: workspace)

        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "ig", "--db", workspace.db, "--json"]).stdout)
        #expect(status["state"] as? String == "ingesting")
        #expect((status["process"] as? [String: Any])?["live"] as? Bool == false, "\(status)")
        let table = try await OrderBatchCLI.run(["status", "ig", "--db", workspace.db])
        #expect(
            table.stdout.contains("interrupted while recording its input, nothing sent; resume it"), "\(table.stdout)")
        #expect(table.stdout.contains("orderbatch resume ig --db"), "\(table.stdout)")

        // `retry` has nothing failed to send: it points at `resume` (exit 64) and sends nothing.
        let retry = try await OrderBatchCLI.run(["retry", "ig", "--db", workspace.db])
        #expect(retry.exit.status == 64, "\(retry.stderr)")
        #expect(retry.stderr.contains("Continue it: orderbatch resume ig"), "\(retry.stderr)")

        // A changed input cannot be recorded again under the old run: exit 64, nothing sent.
        let original = try String(contentsOfFile: input, encoding: .utf8)
        _ = try workspace.write("in.csv", original + "ING99999,cust9,9.50,e2e\n")
        let changed = try await OrderBatchCLI.run(["resume", "ig", "--db", workspace.db])
        #expect(changed.exit.status == 64, "\(changed.stderr)")
        #expect(changed.stderr.contains("has changed since"), "\(changed.stderr)")
        #expect(try await emulator.stats().requests == 0)

        // The same bytes again: every row is recorded (the partial rows are replaced), then sent once.
        _ = try workspace.write("in.csv", original)
        let resume = try await OrderBatchCLI.run(["resume", "ig", "--db", workspace.db, "--deadline", "1ms", "--json"])
        #expect(resume.exit.status == 3, "\(resume.stderr)")
        let counts = try #require(try JSON.object(resume.stdout)["counts"] as? [String: Int])
        #expect(counts["total"] == Self.rows, "\(recorded) rows were recorded before the kill; now \(counts)")
        let items = try workspace.items(run: "ig")
        #expect(items.map(\.seq) == (1...Int64(Self.rows)).map { $0 })
        #expect(try await emulator.stats().appliedTotal == counts["succeeded"])
        try await emulator.stop()
    }

    @Test func aLaterRunOfTheSameInputSupersedesTheInterruptedOne() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator([])
        let input = try workspace.juspayCSV("in.csv", prefix: "SUP", count: Self.rows)
        let job = try workspace.job("supersede", endpoint: emulator.url, input: input, extra: "preflight: false\n")
        _ = try await killWhileIngesting(job: job, run: "first", workspace: workspace)

        let again = try await OrderBatchCLI.run(["run", job, "--run-id", "second", "--deadline", "1ms"])
        #expect(again.exit.status == 3, "\(again.stderr)")
        #expect(
            again.stderr.contains("run first was interrupted while recording this input and sent nothing"),
            "\(again.stderr)")
        let second = try #require(try await OrderBatchCLI.counts(run: "second", db: workspace.db))
        #expect(second["total"] == Self.rows)

        // The interrupted run can no longer be resumed: the input went to the later run.
        let resume = try await OrderBatchCLI.run(["resume", "first", "--db", workspace.db])
        #expect(resume.exit.status == 2, "\(resume.stderr)")
        #expect(resume.stderr.contains("interrupted while recording its input"), "\(resume.stderr)")
        let retry = try await OrderBatchCLI.run(["retry", "first", "--db", workspace.db])
        #expect(retry.exit.status == 2, "\(retry.stderr)")
        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "first", "--db", workspace.db, "--json"]).stdout)
        #expect(status["state"] as? String == "failed_ingest")
        #expect(try await emulator.stats().appliedTotal == second["succeeded"])
        try await emulator.stop()
    }
}
