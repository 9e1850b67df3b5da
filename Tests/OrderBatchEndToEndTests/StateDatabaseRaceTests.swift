import Foundation
import OrderBatchCore
import Testing

/// Several `run`s of one job started together with no state database yet (two cron lines, a timer and a
/// person): the file is created once, exactly one process executes, every other one meets its lease and exits
/// 75, none fails on "database is locked" (64).
@Suite struct StateDatabaseRaceTests {
    static let processes = 8
    static let rounds = 3

    @Test func processesStartedTogetherOnANewStateFileAllButOneExit75() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // The built-in emulator at Juspay's latency, one request at a time: the winner is still sending when
        // the last of the others starts, however loaded the machine; the test stops it.
        let input = try workspace.juspayCSV("in.csv", prefix: "RACE", count: 2000)
        for round in 1...Self.rounds {
            let db = workspace.path("round-\(round)/state.sqlite")
            let job = try workspace.write(
                "race-\(round).yaml",
                """
                name: race
                provider: juspay
                endpoint: emulator
                merchant_id: demo_merchant
                input: \(input)
                state: \(db)
                concurrency: 1
                emulator:
                  latency: juspay

                """)
            let children = try (1...Self.processes).map { i in
                try OrderBatchCLI.start(["run", job, "--run-id", "r\(round)-\(i)"])
            }
            // Every process but the one executing ends by itself.
            let deadline = Date().addingTimeInterval(120)
            while children.filter(\.isRunning).count > 1, Date() < deadline {
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            let running = children.filter(\.isRunning)
            try #require(running.count == 1, "round \(round): \(running.count) processes still running")
            let winner = try #require(running.first)
            var losers: [(ChildProcess.Exit, String)] = []
            for child in children where child !== winner {
                losers.append((try await child.exit(), child.stderr))
            }
            for (exit, stderr) in losers {
                #expect(exit == ChildProcess.Exit(status: 75, bySignal: false), "round \(round): \(exit): \(stderr)")
                #expect(
                    stderr.contains("job race is already being executed by pid \(winner.pid) on host "), "\(stderr)")
                #expect(!stderr.contains("database is locked"), "\(stderr)")
            }
            // Stopped once it is sending (a signal during the ingest is another matter), it exits 3.
            let winnerRun = "r\(round)-\(try #require(children.firstIndex { $0 === winner }) + 1)"
            _ = try await OrderBatchCLI.waitForCounts(run: winnerRun, db: db, timeout: 120) {
                $0["succeeded", default: 0] >= 1
            }
            winner.send(SIGTERM)
            let exit = try await winner.exit(timeout: 60)
            #expect(exit == ChildProcess.Exit(status: 3, bySignal: false), "round \(round) winner: \(winner.stderr)")

            let store = try SQLiteRunStore(path: db)
            defer { try? store.close() }
            let runs = try store.recentRuns(limit: 20)
            #expect(runs.count == 1, "round \(round): \(runs.map(\.id))")
            #expect(runs.first?.state == .stopped)
        }
    }
}
