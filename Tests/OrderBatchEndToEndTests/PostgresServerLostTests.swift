import Foundation
import OrderBatchCore
import OrderBatchEmulator
import OrderBatchTestSupport
import Testing

/// The PostgreSQL state database goes away under a running `run`, as real processes against `orderbatch
/// emulator` and a cluster of the test's own (``PrivatePostgres``): the server stopped (`pg_ctl stop -m fast`,
/// `-m immediate`) or the run's connections ended while it lives (`pg_terminate_backend`). The run stops
/// sending, exits 3 naming the state database and the command to type; once the server answers, `resume`
/// (alone, or with a `work` beside it) finishes with every order applied exactly once.
@Suite struct PostgresServerLostTests {
    /// How the server goes away.
    enum Loss: String {
        case stopFast = "fast"
        case stopImmediate = "immediate"
        /// The server lives; the run's sessions are ended (`pg_terminate_backend`), which libpq sees as a lost
        /// connection: the run stops as it does when the server stops (an operator sees the cut, and nothing
        /// committed is lost), rather than carrying on over a new connection.
        case terminateSessions = "terminate"
    }

    /// Requests the run may send after the server went away: only for rows it had claimed before (a claim is
    /// a write, so no row is taken once the server is gone): the rows claimed ahead (`max(4 × concurrency,
    /// 32)`) and those in flight (concurrency 4), two requests each (a preflight and the update). Results are
    /// written every 0.25 s, so the first failed write usually comes long before (0 to 10 requests in the
    /// fault drill, BENCHMARKS.md); a bound in requests, not in time, holds however slow the machine is.
    static let requestsAfterTheLoss = 2 * (32 + 4)

    @Test func juspayRunExits3WhenTheServerStopsAndResumeFinishes() async throws {
        try await serverLost(provider: "juspay", loss: .stopFast, workBeside: false)
    }

    @Test func rapydRunExits3WhenTheServerCrashesAndResumeWithAWorkerFinishes() async throws {
        try await serverLost(provider: "rapyd", loss: .stopImmediate, workBeside: true)
    }

    @Test func runExits3WhenItsSessionsAreTerminatedAndResumeFinishes() async throws {
        try await serverLost(provider: "juspay", loss: .terminateSessions, workBeside: false)
    }

    private func serverLost(provider: String, loss: Loss, workBeside: Bool) async throws {
        try await PrivatePostgres.with { server in
            let workspace = try Workspace(postgresURL: server.url)
            defer { workspace.remove() }
            let count = 2000
            let emulator = try await ExternalEmulator(["--latency", "juspay", "--rate-limits", "off"])
            let (input, ids) = try Self.input(workspace, provider: provider, count: count)
            let job = try workspace.job(
                "lost", provider: provider, endpoint: emulator.url, input: input,
                extra: "concurrency: 4\nrate_limit: none\nlease_ttl: 3s\n")
            let run = try OrderBatchCLI.start(["run", job, "--run-id", "pl"])
            _ = try await OrderBatchCLI.waitForCounts(run: "pl", db: workspace.db, timeout: 120) {
                $0["succeeded", default: 0] >= 20
            }

            switch loss {
            case .stopFast, .stopImmediate:
                try await server.stop(mode: loss.rawValue)
            case .terminateSessions:
                let ended = try await server.psql(
                    """
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                    """)
                #expect((Int(ended.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 1, "\(ended)")
            }
            let atTheLoss = try await emulator.stats().requests
            let exit = try await run.exit(timeout: 120)
            let sentAfter = try await emulator.stats().requests - atTheLoss
            let output = run.stdout + run.stderr
            #expect(exit.status == 3, "\(output)")
            #expect(sentAfter <= Self.requestsAfterTheLoss, "\(sentAfter) requests after the loss")
            #expect(output.contains("the PostgreSQL state database does not answer"), "\(output)")
            #expect(output.contains("orderbatch resume pl --db "), "\(output)")
            #expect(try await emulator.stats().requests == atTheLoss + sentAfter)  // nothing after the exit

            if loss != .terminateSessions { try await server.restart() }
            if !workBeside { try await emulator.setLatency("none") }
            let resume = try OrderBatchCLI.start(["resume", "pl", "--db", workspace.db])
            var worker: ChildProcess?
            if workBeside {
                // `work` joins once `resume` holds the run (a `work` first would make `resume` exit 75: a worker
                // of the job is live); the latency stays on until both are at work.
                try await Self.waitForWorker(pid: resume.pid, workspace: workspace)
                let joined = try OrderBatchCLI.start(["work", "pl", "--db", workspace.db])
                try await Self.waitForWorker(pid: joined.pid, workspace: workspace)
                worker = joined
                try await emulator.setLatency("none")
            }
            let resumed = try await resume.exit(timeout: 180)
            #expect(resumed.status == 0, "\(resume.stdout)\(resume.stderr)")
            if let worker {
                let worked = try await worker.exit(timeout: 180)
                #expect(worked.status == 0, "\(worker.stdout)\(worker.stderr)")
            }

            let stats = try await emulator.stats()
            #expect(stats.appliedByOrder.count == count)
            #expect(Set(stats.appliedByOrder.keys) == Set(ids))
            #expect(
                stats.appliedByOrder.values.allSatisfy { $0 == 1 },
                "orders applied twice: \(stats.appliedByOrder.filter { $0.value > 1 })")
            #expect(stats.keysReusedWithDifferentBody == 0)
            let store = try workspace.openStore()
            defer { try? store.close() }
            #expect(try store.run(id: "pl")?.state == .finished)
            #expect(try store.counts(runID: "pl").succeeded == count)
            try await emulator.stop()
        }
    }

    /// Waits until the process `pid` is a live worker of run `pl` (a guard against a hang, not a timing).
    private static func waitForWorker(pid: Int32, workspace: Workspace) async throws {
        let store = try workspace.openStore()
        defer { try? store.close() }
        let deadline = Date().addingTimeInterval(120)
        while try !store.workers(runID: "pl").contains(where: { $0.pid == pid && $0.isLive }) {
            guard Date() < deadline else { throw ChildProcess.Timeout(what: "pid \(pid) to work on run pl") }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// `count` rows for `provider` and their order ids.
    private static func input(
        _ workspace: Workspace, provider: String, count: Int
    ) throws -> (path: String, ids: [String]) {
        if provider == "juspay" {
            let path = try workspace.juspayCSV("in.csv", prefix: "PGL", count: count)
            return (path, (1...count).map { Workspace.orderID("PGL", $0) })
        }
        let ids = (1...count).map { "order_pgl" + String(format: "%05d", $0) }
        let text = ids.enumerated().map { #"{"order_id":"\#($1)","metadata":{"n":\#($0 + 1)}}"# }
        return (try workspace.write("in.jsonl", text.joined(separator: "\n") + "\n"), ids)
    }
}

extension Workspace {
    /// A workspace whose runs are recorded in the PostgreSQL database at `postgresURL` (a test's own cluster).
    init(postgresURL: String) throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("orderbatch-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = .postgres
        db = postgresURL
    }
}
