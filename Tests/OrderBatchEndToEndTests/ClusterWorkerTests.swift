import Foundation
import OrderBatchCore
import OrderBatchEmulator
import OrderBatchTestSupport
import Testing

/// Several workers on one run recorded in PostgreSQL, as real processes against `orderbatch emulator`: `run`
/// starts the first, `work` joins two more, one is killed with `kill -9` mid-run, and the emulator's counters
/// show every order applied exactly once.
@Suite struct ClusterWorkerTests {
    @Test func threeWorkersOneKilledEveryOrderAppliedOnce() async throws {
        let workspace = try Workspace(store: .postgres)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "CLU", count: 600)
        let job = try workspace.job(
            "cluster", endpoint: emulator.url, input: input, extra: "concurrency: 4\nlease_ttl: 3s\n")
        let first = try OrderBatchCLI.start(["run", job, "--run-id", "c1"])
        _ = try await OrderBatchCLI.waitForCounts(run: "c1", db: workspace.db) { $0["succeeded", default: 0] >= 1 }
        let second = try OrderBatchCLI.start(["work", "c1", "--db", workspace.db])
        let third = try OrderBatchCLI.start(["work", "c1", "--db", workspace.db])

        // Kill the second worker once it holds rows in flight.
        let store = try workspace.openStore()
        defer { try? store.close() }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let workers = try store.workers(runID: "c1")
            if workers.contains(where: { $0.pid == second.pid && $0.rowsClaimed > 0 }) && workers.count == 3 { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let status = try await OrderBatchCLI.run(["status", "c1", "--db", workspace.db])
        #expect(status.stdout.contains("workers       3 live"), "\(status.stdout)")
        #expect(status.stdout.contains("pid \(second.pid) on host "), "\(status.stdout)")
        // Rows claimed are the live workers', not "the running process"'s (when any are claimed at that moment).
        let claimed = status.stdout.split(separator: "\n").first { $0.hasPrefix("  claimed ") }
        if let claimed, !claimed.hasSuffix(" 0") {
            #expect(claimed.contains("(taken by the 3 live workers, each sending at most 4 at a time;"), "\(claimed)")
        }
        second.send(SIGKILL)
        _ = try await second.exit()

        #expect(try await first.exit(timeout: 180).status == 0, "\(first.stderr)")
        #expect(try await third.exit(timeout: 180).status == 0, "\(third.stderr)")
        let applied = try await emulator.stats().appliedByOrder
        #expect(applied.count == 600)
        #expect(applied.values.allSatisfy { $0 == 1 }, "orders applied twice: \(applied.filter { $0.value > 1 })")
        let run = try #require(try store.run(id: "c1"))
        #expect(run.state == .finished)
        #expect(try store.counts(runID: "c1").succeeded == 600)
        // Every order was sent under its one key (generation 1).
        #expect(try workspace.items(run: "c1").allSatisfy { $0.idempotencyKey?.hasSuffix("-g1") == true })
        // A worker started late finds nothing left: exit 0, nothing sent.
        let requests = try await emulator.stats().requests
        let late = try await OrderBatchCLI.run(["work", "c1", "--db", workspace.db])
        #expect(late.exit.status == 0, "\(late.stderr)")
        #expect(late.stderr.contains("run c1 is finished; nothing left to work on"), "\(late.stderr)")
        #expect(try await emulator.stats().requests == requests)
        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "c1", "--db", workspace.db, "--json"]).stdout)
        #expect((json["workers"] as? [Any])?.isEmpty == true)  // every worker released its lease
        try await emulator.stop()
    }

    @Test func workRefusesASQLiteDatabase() async throws {
        let workspace = try Workspace(store: .sqlite)
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "SQL", count: 2)
        let job = try workspace.job("single", endpoint: "emulator", input: input)
        #expect(try await OrderBatchCLI.run(["run", job, "--run-id", "s1"]).exit.status == 0)
        let refused = try await OrderBatchCLI.run(["work", "s1", "--db", workspace.db])
        #expect(refused.exit.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("is a SQLite file, which one process works on at a time"), "\(refused.stderr)")
    }
}
