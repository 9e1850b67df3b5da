import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// A new input while an older run of the job could still send: `run` refuses (exit 3) and names the ways on,
/// or, with `--supersede` or `unfinished_runs: supersede`, closes the old run as canceled first. Real
/// processes against `orderbatch emulator`, whose counters show what was applied.
@Suite struct UnfinishedRunTests {
    /// A run of `rows` rows on `input` stopped by a 1 ms deadline (exit 3, rows left), and its counts.
    private func stoppedRun(
        job: String, input: String, id: String, workspace: Workspace, extra: [String] = []
    ) async throws -> [String: Int] {
        let result = try await OrderBatchCLI.run(
            ["run", job, "--input", input, "--run-id", id, "--deadline", "1ms"] + extra)
        try #require(result.exit.status == 3, "\(result.stdout)\n\(result.stderr)")
        let counts = try #require(try await OrderBatchCLI.counts(run: id, db: workspace.db))
        try #require(counts["pending", default: 0] > 0, "\(counts)")
        return counts
    }

    /// `N of T rows left: P pending, …` as the refusal and the supersede message write it.
    private func rowsLeft(_ c: [String: Int]) -> String {
        let left = c["pending", default: 0] + c["in_flight", default: 0] + c["unknown", default: 0]
        let parts = [
            ("pending", c["pending", default: 0]), ("in flight", c["in_flight", default: 0]),
            ("unknown", c["unknown", default: 0]),
        ]
        .filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        return "\(left) of \(c["total", default: 0]) rows left: " + parts.joined(separator: ", ")
    }

    @Test func aNewInputIsRefusedWhileAnOlderRunIsStoppedWithRowsLeft() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let week1 = try workspace.juspayCSV("week1.csv", prefix: "WKA", count: 300)
        let week2 = try workspace.juspayCSV("week2.csv", prefix: "WKB", count: 5)
        let job = try workspace.job("nightly", endpoint: emulator.url, extra: "concurrency: 1\n")
        let old = try await stoppedRun(job: job, input: week1, id: "old", workspace: workspace)

        let refused = try await OrderBatchCLI.run(["run", job, "--input", week2, "--run-id", "new"])
        #expect(refused.exit.status == 3, "\(refused.stderr)")
        let db = workspace.db
        #expect(
            refused.stderr == """
                orderbatch: job nightly has an unfinished run old (stopped (the run deadline passed), \(rowsLeft(old))); \
                nothing was sent. Starting a new run beside it would let a later resume apply its older updates over the \
                new ones. Choose one:
                  orderbatch resume old --db \(db)    # finish it first
                  orderbatch cancel old --db \(db)    # close it; its rows left are never sent
                  orderbatch run \(job) --input \(week2) --supersede    # close it and start this run (job setting: \
                unfinished_runs: supersede)

                """)
        #expect(refused.stdout.isEmpty)
        #expect(try await OrderBatchCLI.run(["status", "new", "--db", db]).exit.status == 64)
        #expect(try await emulator.stats().appliedByOrder.keys.allSatisfy { $0.hasPrefix("WKA") })

        // The same input again is still pointed at resume; --allow-rerun does not get round the check either.
        let same = try await OrderBatchCLI.run(["run", job, "--input", week1, "--run-id", "same"])
        #expect(same.exit.status == 3, "\(same.stderr)")
        #expect(
            same.stderr.contains(
                "as run old, which is stopped with rows left; nothing was sent. Continue it: orderbatch resume old"))
        let rerun = try await OrderBatchCLI.run(["run", job, "--input", week1, "--run-id", "rerun", "--allow-rerun"])
        #expect(rerun.exit.status == 3, "\(rerun.stderr)")
        #expect(rerun.stderr.hasPrefix("orderbatch: job nightly has an unfinished run old (stopped"), "\(rerun.stderr)")

        // Finishing the old run first is one way on: then the new input runs.
        // (The old run keeps its recorded 1 ms deadline unless told otherwise.)
        #expect(try await OrderBatchCLI.run(["resume", "old", "--db", db, "--deadline", "none"]).exit.status == 0)
        let next = try await OrderBatchCLI.run(["run", job, "--input", week2, "--run-id", "new"])
        #expect(next.exit.status == 0, "\(next.stderr)")
        let applied = try await emulator.stats().appliedByOrder
        #expect(applied.count == 305 && applied.values.allSatisfy { $0 == 1 }, "\(applied.count)")
        try await emulator.stop()
    }

    @Test func supersedeClosesTheOldRunAsCanceledAndItSendsNothingMore() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let week1 = try workspace.juspayCSV("week1.csv", prefix: "SPA", count: 300)
        let week2 = try workspace.juspayCSV("week2.csv", prefix: "SPB", count: 5)
        let job = try workspace.job("nightly", endpoint: emulator.url, extra: "concurrency: 1\n")
        let old = try await stoppedRun(job: job, input: week1, id: "old", workspace: workspace)
        let db = workspace.db

        let run = try await OrderBatchCLI.run(["run", job, "--input", week2, "--run-id", "new", "--supersede"])
        #expect(run.exit.status == 0, "\(run.stderr)")
        let left = old["pending", default: 0] + old["in_flight", default: 0] + old["unknown", default: 0]
        #expect(
            run.stderr.hasPrefix(
                """
                orderbatch: run old (stopped (the run deadline passed), \(rowsLeft(old))) is superseded by run new: closed \
                as canceled; its \(left) rows left will never be sent

                """), "\(run.stderr)")

        let status = try JSON.object(try await OrderBatchCLI.run(["status", "old", "--db", db, "--json"]).stdout)
        #expect(status["state"] as? String == "canceled")
        #expect(status["reason"] as? String == "superseded by run new")
        #expect(status["finished_at"] is String)
        #expect(status["counts"] as? [String: Int] == old)
        let detail = try await OrderBatchCLI.run(["status", "old", "--db", db])
        #expect(detail.stdout.contains("state         canceled (superseded by run new)\n"), "\(detail.stdout)")
        #expect(!detail.stdout.contains("orderbatch resume"), "\(detail.stdout)")

        let resume = try await OrderBatchCLI.run(["resume", "old", "--db", db])
        #expect(resume.exit.status == 2, "\(resume.stderr)")
        #expect(
            resume.stderr == """
                orderbatch: run old was canceled (superseded by run new) and sends nothing more; nothing to resume. To send \
                its rows left, start a new run with them (orderbatch report old --db \(db) --state pending,unknown lists them)

                """)
        let retry = try await OrderBatchCLI.run(["retry", "old", "--db", db])
        #expect(retry.exit.status == 2, "\(retry.stderr)")
        #expect(retry.stderr.contains("and sends nothing more; nothing to retry."), "\(retry.stderr)")
        let report = try await OrderBatchCLI.run([
            "report", "old", "--db", db, "--state", "pending", "--format", "jsonl",
        ])
        #expect(report.exit.status == 0, "\(report.stderr)")
        #expect(report.stdout.split(separator: "\n").count == old["pending", default: 0])

        let applied = try await emulator.stats().appliedByOrder
        #expect(applied.filter { $0.key.hasPrefix("SPA") }.count == old["succeeded"])
        #expect(applied.filter { $0.key.hasPrefix("SPB") }.count == 5)
        #expect(applied.values.allSatisfy { $0 == 1 })
        try await emulator.stop()
    }

    /// A nightly repricing job says so once, in the job file; the same input is still pointed at resume.
    @Test func theJobSettingSupersedesWithoutTheFlag() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let night1 = try workspace.juspayCSV("night1.csv", prefix: "NTA", count: 300)
        let night2 = try workspace.juspayCSV("night2.csv", prefix: "NTB", count: 3)
        let job = try workspace.job(
            "reprice", endpoint: emulator.url, extra: "concurrency: 1\nunfinished_runs: supersede\n")
        _ = try await stoppedRun(job: job, input: night1, id: "n1", workspace: workspace)

        let same = try await OrderBatchCLI.run(["run", job, "--input", night1, "--run-id", "n1b"])
        #expect(same.exit.status == 3, "\(same.stderr)")
        #expect(same.stderr.contains("as run n1, which is stopped with rows left"), "\(same.stderr)")

        let next = try await OrderBatchCLI.run(["run", job, "--input", night2, "--run-id", "n2", "--json"])
        #expect(next.exit.status == 0, "\(next.stderr)")
        #expect(!next.stderr.contains("is superseded"), "\(next.stderr)")  // --json: the store says it instead
        let store = try SQLiteRunStore(path: workspace.db)
        defer { try? store.close() }
        #expect(try store.run(id: "n1")?.state == .canceled)
        #expect(try store.run(id: "n1")?.stateReason == "superseded by run n2")
        #expect(try store.run(id: "n2")?.state == .finished)
        #expect(try await emulator.stats().appliedByOrder.filter { $0.key.hasPrefix("NTB") }.count == 3)
        try await emulator.stop()
    }
}
