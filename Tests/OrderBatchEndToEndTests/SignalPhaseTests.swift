import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// SIGINT, SIGTERM and SIGHUP in every phase of `run`: validation (nothing recorded: run the same command
/// again), ingest (the run is left `ingesting`: `resume` records it again), execution (`resume` goes on).
/// Every one exits 3 with a line saying what is left and what to type. Before the fix: 130, 143 or 129 with
/// no message, and SIGHUP killed a run with rows in flight.
@Suite struct SignalPhaseTests {
    /// The value of `orderbatch_last_run_exit_code` in a metrics file.
    static func exitCode(inMetrics path: String) throws -> Int? {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("orderbatch_last_run_exit_code{") }
        return line?.split(separator: " ").last.flatMap { Int($0) }
    }

    /// The input is a FIFO, so `run` is certainly validating when the signal comes: it has opened the FIFO
    /// (the test's non-blocking open for writing succeeds only then) and waits in `read` for more rows.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func aSignalDuringValidationExits3AndNothingIsRecorded(signal: Int32) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let fifo = workspace.path("in.csv")
        try #require(mkfifo(fifo, 0o600) == 0)
        let job = try workspace.job("validating", endpoint: "emulator", input: fifo)
        let metrics = workspace.path("m.prom")
        let run = try OrderBatchCLI.start(["run", job, "--metrics", metrics])

        let writer = try await Self.openForWriting(fifo)
        defer { close(writer) }
        let rows = "order_id,routing_id,amount,udf1\nVAL00001,cust1,1.50,e2e\n"
        #expect(rows.utf8.count == rows.withCString { write(writer, $0, strlen($0)) })
        run.send(signal)

        #expect(try await run.exit(timeout: 30) == ChildProcess.Exit(status: 3, bySignal: false), "\(run.stderr)")
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP"
        #expect(
            run.stderr.contains(
                "orderbatch: \(name): stopped before anything was recorded or sent; run the same command again"),
            "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.db), "no state database was created")
        #expect(try Self.exitCode(inMetrics: metrics) == 3)
    }

    /// Opens `path` (a FIFO) for writing once a reader has opened it.
    static func openForWriting(_ path: String, timeout: Double = 30) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
                return fd
            }
            try #require(errno == ENXIO, "open \(path): errno \(errno)")
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        throw ChildProcess.Timeout(what: "a reader to open \(path)")
    }

    @Test func sighupDuringIngestLeavesTheRunForResumeWhichRecordsItAgain() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let rows = IngestInterruptionTests.rows
        let emulator = try await ExternalEmulator([])
        let input = try workspace.juspayCSV("in.csv", prefix: "HUP", count: rows)
        let job = try workspace.job("hangup", endpoint: emulator.url, input: input, extra: "preflight: false\n")
        let metrics = workspace.path("m.prom")
        let run = try OrderBatchCLI.start(["run", job, "--run-id", "hi", "--metrics", metrics])
        _ = try await OrderBatchCLI.waitForCounts(run: "hi", db: workspace.db) { $0["total", default: 0] > 0 }
        run.send(SIGHUP)
        #expect(try await run.exit(timeout: 30) == ChildProcess.Exit(status: 3, bySignal: false), "\(run.stderr)")

        let store = try SQLiteRunStore(path: workspace.db)
        let state = try #require(try store.run(id: "hi")).state
        let recorded = try store.counts(runID: "hi").total
        try store.close()
        try #require(
            state == .ingesting && recorded < rows, "the signal landed after the ingest: \(state), \(recorded)")
        #expect(
            run.stderr.contains("orderbatch: SIGHUP: stopping the recording of run hi; nothing has been sent"),
            "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "orderbatch: SIGHUP: run hi is left recording its input (\(recorded) rows recorded so far, state ingesting); "
                    + "nothing was sent. Record it again and send it: orderbatch resume hi --db \(workspace.db)"),
            "\(run.stderr)")
        #expect(try Self.exitCode(inMetrics: metrics) == 3)
        #expect(try await emulator.stats().requests == 0)

        // The lease was released: `resume` starts at once, records every row, and sends.
        let resume = try await OrderBatchCLI.run(["resume", "hi", "--db", workspace.db, "--deadline", "1ms", "--json"])
        #expect(resume.exit.status == 3, "\(resume.stderr)")
        let counts = try #require(try JSON.object(resume.stdout)["counts"] as? [String: Int])
        #expect(counts["total"] == rows)
        #expect(try await emulator.stats().appliedTotal == counts["succeeded"])
        try await emulator.stop()
    }

    @Test func sighupDuringExecutionStopsLikeSIGTERMAndResumeFinishesExactlyOnce() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "HUX", count: 240)
        let job = try workspace.job("hupexec", endpoint: emulator.url, input: input, extra: "concurrency: 2\n")
        let metrics = workspace.path("m.prom")
        let run = try OrderBatchCLI.start(["run", job, "--run-id", "hx", "--metrics", metrics])
        _ = try await OrderBatchCLI.waitForCounts(run: "hx", db: workspace.db) { $0["succeeded", default: 0] >= 5 }
        run.send(SIGHUP)
        #expect(try await run.exit(timeout: 30) == ChildProcess.Exit(status: 3, bySignal: false), "\(run.stderr)")
        #expect(run.stderr.contains("orderbatch: SIGHUP: stopping; waiting for requests in flight"), "\(run.stderr)")
        #expect(
            run.stderr.contains(
                #/orderbatch: SIGHUP: run hx stopped with [0-9]+ rows left \([0-9]+ of 240 done\); continue it: orderbatch resume hx --db /#
            ),
            "\(run.stderr)")
        #expect(run.stdout.contains("stopped (interrupted by a signal)"), "\(run.stdout)")
        #expect(try Self.exitCode(inMetrics: metrics) == 3)
        let left = try #require(try await OrderBatchCLI.counts(run: "hx", db: workspace.db))
        #expect(left["in_flight"] == 0 && left["pending", default: 0] > 0, "\(left)")

        try await emulator.setLatency("none")
        let resume = try await OrderBatchCLI.run(["resume", "hx", "--db", workspace.db, "--metrics", metrics])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        #expect(try Self.exitCode(inMetrics: metrics) == 0)
        let stats = try await emulator.stats()
        #expect(stats.appliedTotal == 240)
        #expect(stats.appliedByOrder.values.allSatisfy { $0 == 1 })
        try await emulator.stop()
    }
}
