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

    /// A worker with nothing left to claim waits while another holds rows; when a rescuer pass *other than
    /// its own* turns a dead worker's rows `unknown`, it reconciles and settles them and exits 0 (it used to see
    /// nothing in flight, return, and exit 3 "rows of unknown fate" while the run was still to be finished).
    @Test func aWaitingWorkerSettlesRowsAnotherRescuerTookBack() async throws {
        let workspace = try Workspace(store: .postgres)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let input = try workspace.juspayCSV("in.csv", prefix: "RSC", count: 60)
        let job = try workspace.job(
            "rescue", endpoint: emulator.url, input: input, extra: "concurrency: 2\nlease_ttl: 3s\nrate_limit: 2\n")
        // `run` and a worker send at 2 requests/s; the worker freezes with rows claimed ahead, `run` stops
        // cleanly (its rows go back pending; the run stays running for the other worker).
        let first = try OrderBatchCLI.start(["run", job, "--run-id", "r1"])
        _ = try await OrderBatchCLI.waitForCounts(run: "r1", db: workspace.db) { $0["succeeded", default: 0] >= 1 }
        let dead = try OrderBatchCLI.start(["work", "r1", "--db", workspace.db])
        let store = try workspace.openStore()
        defer { try? store.close() }
        let claimedBy = Date().addingTimeInterval(60)
        while Date() < claimedBy,
            try !store.workers(runID: "r1").contains(where: { $0.pid == dead.pid && $0.rowsClaimed > 0 })
        {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        first.send(SIGTERM)
        #expect(try await first.exit(timeout: 60).status == 3, "\(first.stderr)")
        // Frozen, not killed: a dead process on this host is seen at once by its pid; one on another host (or
        // paused) only when its heartbeat is older than the lease TTL.
        dead.send(SIGSTOP)
        defer {
            dead.send(SIGKILL)
            dead.send(SIGCONT)
        }
        let held = try store.counts(runID: "r1").inFlight
        #expect(held > 0)

        // A worker joins before the dead one's lease expires, so its own rescuer finds nothing at first: it
        // sends every pending row and then waits for the rows still in flight.
        let worker = try OrderBatchCLI.start(["work", "r1", "--db", workspace.db, "--rate", "none"])
        // This process plays the other worker whose rescuer pass takes the dead worker's rows back.
        var rescued = 0
        let deadline = Date().addingTimeInterval(60)
        while rescued == 0 && Date() < deadline {
            rescued = try store.rescueStaleWorkers(runID: "r1")
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        let exit = try await worker.exit(timeout: 120)
        #expect(exit.status == 0, "rescued \(rescued) of \(held) here: \(worker.stderr)")
        #expect(try store.run(id: "r1")?.state == .finished)
        #expect(try store.counts(runID: "r1").succeeded == 60)
        let applied = try await emulator.stats().appliedByOrder
        #expect(applied.count == 60)
        #expect(applied.values.allSatisfy { $0 == 1 }, "orders applied twice: \(applied.filter { $0.value > 1 })")
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
