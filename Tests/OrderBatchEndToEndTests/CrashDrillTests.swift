import Foundation
import OrderBatchCore
import OrderBatchEmulator
import OrderBatchTestSupport
import Testing

/// Runs interrupted the hard ways (signals, `kill -9`, a flaky or dead provider, a deadline) and
/// resumed: the emulator, a separate process, counts every update applied, so "exactly once" is
/// checked where the updates land, not where the client thinks they did.
@Suite struct CrashDrillTests {
    /// Every order of `prefix`1…`count` applied exactly once, summing the counters of every emulator
    /// the run talked to.
    private func expectAppliedOnce(_ stats: [EmulatorStats], ids: [String]) {
        var applied: [String: Int] = [:]
        for s in stats { applied.merge(s.appliedByOrder) { $0 + $1 } }
        #expect(applied.count == ids.count, "\(applied.count) orders applied of \(ids.count)")
        let wrong = applied.filter { $0.value != 1 }
        #expect(wrong.isEmpty, "applied more than once: \(wrong.sorted { $0.key < $1.key }.prefix(10))")
        #expect(Set(applied.keys) == Set(ids))
    }

    private func juspayIDs(_ prefix: String, _ count: Int) -> [String] {
        (1...count).map { Workspace.orderID(prefix, $0) }
    }

    // MARK: - Signals

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsTheRunWithExit3AndResumeFinishesIt(signal: Int32) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let prefix = signal == SIGTERM ? "TRM" : "INT"
        // 240 rows at Juspay's latency and concurrency 2 take about 25 s: the signal lands mid-run even when a
        // loaded machine is slow to run this test's polling. The resume then runs without the latency.
        let input = try workspace.juspayCSV("in.csv", prefix: prefix, count: 240)
        let job = try workspace.job("signal", endpoint: emulator.url, input: input, extra: "concurrency: 2\n")
        let run = try OrderBatchCLI.start(["run", job, "--run-id", "sg"])
        _ = try await OrderBatchCLI.waitForCounts(run: "sg", db: workspace.db) { $0["succeeded", default: 0] >= 5 }
        run.send(signal)
        let exit = try await run.exit(timeout: 10)
        #expect(exit == ChildProcess.Exit(status: 3, bySignal: false), "\(run.stderr)")
        #expect(
            run.stderr.contains("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopping; waiting for requests in flight"))
        #expect(run.stdout.contains("stopped (interrupted by a signal)"), "\(run.stdout)")
        #expect(run.stdout.contains("continue: orderbatch resume sg --db \(workspace.dbWord)"))

        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "sg", "--db", workspace.db, "--json"]).stdout)
        #expect(status["state"] as? String == "stopped")
        #expect(status["reason"] as? String == "interrupted by a signal")
        let counts = try #require(status["counts"] as? [String: Int])
        // In-flight requests were waited for and recorded; the rest is still to do.
        #expect(counts["in_flight"] == 0 && counts["unknown"] == 0, "\(counts)")
        #expect(counts["pending", default: 0] > 0 && counts["failed"] == 0, "\(counts)")
        let stopped = try await emulator.stats()
        #expect(stopped.appliedTotal == counts["succeeded"], "every applied update is recorded as succeeded")

        try await emulator.setLatency("none")
        let resume = try await OrderBatchCLI.run(["resume", "sg", "--db", workspace.db, "--json"])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        let resumed = try #require(try JSON.object(resume.stdout)["counts"] as? [String: Int])
        #expect(resumed["succeeded"] == 240)
        #expect(resume.stdout.contains(#""state":"finished""#))
        expectAppliedOnce([try await emulator.stats()], ids: juspayIDs(prefix, 240))
        try await emulator.stop()
    }

    @Test func aSecondSignalExitsAtOnceAndResumeReconcilesTheRowsLeftInFlight() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // A few requests hang until the 15 s request timeout, so that the wait for the requests in flight
        // after the first signal lasts long enough for the second to arrive, however loaded the machine
        // (with 2 s, a suite run beside a build once saw the first stop complete before the test had read
        // its "stopping" line; with 8 s, a suite run beside two builds did).
        let emulator = try await ExternalEmulator(
            ["--latency", "juspay", "--fail-rate", "0.05", "--fail-with", "hang", "--seed", "5"])
        let input = try workspace.juspayCSV("in.csv", prefix: "DBL", count: 120)
        let job = try workspace.job(
            "double", endpoint: emulator.url, input: input, extra: "concurrency: 16\ntimeouts:\n  request: 15s\n")
        let run = try OrderBatchCLI.start(["run", job, "--run-id", "db"])
        _ = try await OrderBatchCLI.waitForCounts(run: "db", db: workspace.db) { $0["succeeded", default: 0] >= 5 }
        run.send(SIGTERM)
        // Two signals sent back to back coalesce into one: send the second once the first is handled,
        // while the requests in flight are being waited for.
        // (A bound on how long a broken run is waited for: a loaded machine has taken over 5 s to show the line.)
        let handled = Date().addingTimeInterval(30)
        while !run.stderr.contains("SIGTERM: stopping"), Date() < handled {
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        try #require(run.stderr.contains("SIGTERM: stopping"), "the first signal was never handled: \(run.stderr)")
        run.send(SIGTERM)
        #expect(try await run.exit(timeout: 5) == ChildProcess.Exit(status: 3, bySignal: false), "\(run.stderr)")
        #expect(
            run.stderr.contains("second signal: exiting now; `resume` will reconcile rows in flight"), "\(run.stderr)")
        #expect(!run.stdout.contains("stopped (interrupted by a signal)"), "no summary after the second signal")
        let left = try #require(try await OrderBatchCLI.counts(run: "db", db: workspace.db))

        let resume = try await OrderBatchCLI.run(["resume", "db", "--db", workspace.db])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        if let inFlight = left["in_flight"], inFlight > 0 {
            #expect(resume.stderr.contains("\(inFlight) rows were in flight when the run stopped"), "\(resume.stderr)")
            // Read back first; requests hung during the resume add reconciliations of their own.
            let reconciled = resume.stdout.firstMatch(of: /([0-9]+) reconciliations/).flatMap { Int($0.output.1) }
            #expect((reconciled ?? 0) >= inFlight, "\(resume.stdout)")
        }
        #expect(try await OrderBatchCLI.counts(run: "db", db: workspace.db)?["succeeded"] == 120)
        expectAppliedOnce([try await emulator.stats()], ids: juspayIDs("DBL", 120))
        try await emulator.stop()
    }

    // MARK: - kill -9

    /// Starts `run`, SIGKILLs it once `status` shows some rows succeeded, and returns the counts then.
    private func killMidRun(job: String, run: String, workspace: Workspace, total: Int) async throws -> [String: Int] {
        let child = try OrderBatchCLI.start(["run", job, "--run-id", run])
        _ = try await OrderBatchCLI.waitForCounts(run: run, db: workspace.db) { $0["succeeded", default: 0] >= 20 }
        child.send(SIGKILL)
        #expect(try await child.exit() == ChildProcess.Exit(status: SIGKILL, bySignal: true))
        let counts = try #require(try await OrderBatchCLI.counts(run: run, db: workspace.db))
        try #require(counts["succeeded", default: 0] < total, "the kill landed after the run ended: \(counts)")
        return counts
    }

    @Test(arguments: StoreKind.allCases) func killNineMidRunThenResumeAppliesEveryJuspayOrderOnceByReconciliation(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        // Juspay has no idempotency key: only reconciliation (reading the order back) prevents a
        // second application of the rows that were in flight when the process died.
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        // About 30 s of work at Juspay's latency: the kill lands mid-run however late this test polls; the
        // same emulator (orders kept) then answers the resume without latency.
        let input = try workspace.juspayCSV("in.csv", prefix: "KIL", count: 600)
        let job = try workspace.job("kill", endpoint: emulator.url, input: input, extra: "concurrency: 4\n")
        let killed = try await killMidRun(job: job, run: "k9", workspace: workspace, total: 600)
        try await emulator.setLatency("none")
        let keysBefore = try workspace.items(run: "k9").map(\.idempotencyKey)
        #expect(keysBefore == (1...600).map { "ob-k9-\($0)-g1" })
        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "k9", "--db", workspace.db, "--json"]).stdout)
        #expect(status["state"] as? String == "running", "a killed run cannot record its end")

        let resume = try await OrderBatchCLI.run(["resume", "k9", "--db", workspace.db])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        if killed["in_flight", default: 0] > 0 {
            #expect(
                resume.stderr.contains("orderbatch: \(killed["in_flight"]!) rows were in flight when the run stopped"),
                "\(resume.stderr)")
        }
        let counts = try #require(try await OrderBatchCLI.counts(run: "k9", db: workspace.db))
        #expect(counts["succeeded"] == 600 && counts["unknown"] == 0, "\(counts)")
        let stats = try await emulator.stats()
        expectAppliedOnce([stats], ids: juspayIDs("KIL", 600))
        #expect(stats.duplicateRequests == 0)
        let after = try workspace.items(run: "k9")
        #expect(after.map(\.idempotencyKey) == keysBefore)
        #expect(after.allSatisfy { $0.generation == 1 && $0.state == .succeeded })
        // Rows that were in flight were read back before anything was sent again.
        if killed["in_flight", default: 0] > 0 {
            let store = try workspace.openStore()
            defer { try? store.close() }
            var reconciled = 0
            for item in after {
                reconciled +=
                    try store.attempts(runID: "k9", seq: item.seq).contains { $0.record.phase == .reconcile } ? 1 : 0
            }
            #expect(reconciled == killed["in_flight"], "\(reconciled) rows reconciled")
        }
        try await emulator.stop()
    }

    @Test(arguments: StoreKind.allCases) func killNineMidRunThenResumeAppliesEveryRapydOrderOnceWithIdempotencyOff(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(
            ["--latency", "juspay", "--idempotency", "off", "--rate-limits", "off"])
        var text = ""
        let ids = (1...200).map { "order_k9" + String(format: "%05d", $0) }
        for (i, id) in ids.enumerated() { text += #"{"order_id":"\#(id)","metadata":{"drill":\#(i + 1)}}"# + "\n" }
        let input = try workspace.write("in.jsonl", text)
        let job = try workspace.job(
            "kill-rapyd", provider: "rapyd", endpoint: emulator.url, input: input,
            extra: "concurrency: 2\nrate_limit: none\n")
        _ = try await killMidRun(job: job, run: "kr", workspace: workspace, total: 200)
        try await emulator.setLatency("none")
        let keysBefore = try workspace.items(run: "kr").map(\.idempotencyKey)

        let resume = try await OrderBatchCLI.run(["resume", "kr", "--db", workspace.db, "--json"])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        let stats = try await emulator.stats()
        expectAppliedOnce([stats], ids: ids)
        #expect(stats.keysReusedWithDifferentBody == 0)
        #expect(try workspace.items(run: "kr").map(\.idempotencyKey) == keysBefore)
        try await emulator.stop()
    }

    // MARK: - A flaky provider, an outage

    @Test func oneRequestInFiveFailingIsRiddenOutWithTheDefaults() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--fail-rate", "0.2", "--fail-with", "503", "--seed", "7"])
        let input = try workspace.juspayCSV("in.csv", prefix: "FLK", count: 60)
        let job = try workspace.job("flaky", endpoint: emulator.url, input: input)
        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "fl", "--json"])
        #expect(result.exit.status == 0, "\(result.stdout)\n\(result.stderr)")
        let summary = try JSON.object(result.stdout)
        #expect((summary["retries"] as? Int ?? 0) > 0)
        let stats = try await emulator.stats()
        #expect(stats.faultsInjected > 0)
        expectAppliedOnce([stats], ids: juspayIDs("FLK", 60))
        try await emulator.stop()
    }

    /// Lost connections and unanswered requests (the attempt timed out after sending) leave the
    /// row's fate unknown: it is read back before it is sent again, and applied once.
    @Test(arguments: ["reset", "hang"])
    func connectionFaultsAreReconciledAndEveryRowAppliedOnce(fault: String) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--fail-rate", "0.2", "--fail-with", fault, "--seed", "3"])
        let prefix = fault == "reset" ? "RST" : "HNG"
        let input = try workspace.juspayCSV("in.csv", prefix: prefix, count: 40)
        // Every request counts against max_attempts (plus 2), and a timeout costs a send and a
        // reconciliation: at one request in five hanging, the default 5 fails about 1.5 % of rows. This
        // drill is about reconciliation and exactly-once, so it gives each row room for ten attempts.
        let job = try workspace.job(
            "fault-\(fault)", endpoint: emulator.url, input: input, extra: "retry:\n  max_attempts: 10\n")
        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "ft", "--json"])
        #expect(result.exit.status == 0, "\(result.stdout)\n\(result.stderr)")
        let summary = try JSON.object(result.stdout)
        #expect((summary["counts"] as? [String: Int])?["succeeded"] == 40)
        let stats = try await emulator.stats()
        #expect(stats.faultsInjected > 0)
        expectAppliedOnce([stats], ids: juspayIDs(prefix, 40))
        try await emulator.stop()
    }

    @Test func anOutageTripsTheBreakerWithinSecondsAndResumeFinishesWhenItIsOver() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--fail-rate", "1", "--fail-with", "503"])
        let input = try workspace.juspayCSV("in.csv", prefix: "OUT", count: 60)
        let job = try workspace.job("outage", endpoint: emulator.url, input: input)
        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "ou", "--json"])
        #expect(result.exit.status == 3, "\(result.stderr)")
        let summary = try JSON.object(result.stdout)
        // Retrying 60 rows through backoff would take minutes; the breaker stops it in seconds (the
        // bound is wide for a loaded machine).
        #expect((summary["elapsed_seconds"] as? Double ?? 99) < 10, "\(result.stdout)")
        #expect((summary["reason"] as? String)?.hasPrefix("circuit breaker") == true, "\(result.stdout)")
        let counts = try #require(summary["counts"] as? [String: Int])
        // No row is burned into failed: all are still to do.
        #expect(counts["failed"] == 0 && counts["succeeded"] == 0, "\(counts)")
        #expect(counts["pending", default: 0] + counts["unknown", default: 0] == 60, "\(counts)")
        #expect(try await emulator.stats().appliedTotal == 0)

        try await emulator.restart()
        let resume = try await OrderBatchCLI.run(["resume", "ou", "--db", workspace.db, "--json"])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        expectAppliedOnce([try await emulator.stats()], ids: juspayIDs("OUT", 60))
        try await emulator.stop()
    }

    // MARK: - Deadline

    @Test(arguments: StoreKind.allCases) func aDeadlineStopsTheRunWithExit3AndTheRunResumes(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        // ~40 s of work at this pace: the 1 s deadline stops it long before.
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "DLN", count: 200)
        let job = try workspace.job("deadline", endpoint: emulator.url, input: input, extra: "concurrency: 1\n")
        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "dl", "--deadline", "1s", "--json"])
        #expect(result.exit.status == 3, "\(result.stderr)")
        let summary = try JSON.object(result.stdout)
        #expect(summary["reason"] as? String == "the run deadline passed", "\(result.stdout)")
        // The deadline, plus the request in flight: nowhere near the ~40 s the rows need (the bound is
        // wide for a loaded machine).
        #expect((summary["elapsed_seconds"] as? Double ?? 99) < 10, "\(result.stdout)")
        let counts = try #require(summary["counts"] as? [String: Int])
        #expect(counts["pending", default: 0] > 0 && counts["failed"] == 0 && counts["unknown"] == 0, "\(counts)")
        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "dl", "--db", workspace.db, "--json"]).stdout)
        #expect(status["state"] as? String == "stopped")
        #expect(status["reason"] as? String == "the run deadline passed")
        let slow = try await emulator.stats()
        #expect(slow.appliedTotal == counts["succeeded"])

        // The provider is fast again. `resume` keeps the recorded --deadline, so each resume may stop
        // at it again (exit 3) but makes progress; a few of them finish the run.
        try await emulator.restart()
        var exits: [Int32] = []
        var succeeded = counts["succeeded", default: 0]
        while exits.last != 0, exits.count < 10 {
            let resume = try await OrderBatchCLI.run(["resume", "dl", "--db", workspace.db, "--json"])
            exits.append(resume.exit.status)
            #expect(resume.exit.status == 0 || resume.exit.status == 3, "\(resume.stderr)")
            let now = try #require(try JSON.object(resume.stdout)["counts"] as? [String: Int])["succeeded", default: 0]
            #expect(now > succeeded, "a resume made no progress")
            succeeded = now
        }
        #expect(exits.last == 0, "\(exits)")
        expectAppliedOnce([slow, try await emulator.stats()], ids: juspayIDs("DLN", 200))
        try await emulator.stop()
    }
}
