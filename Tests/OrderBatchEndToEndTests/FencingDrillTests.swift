import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// A process frozen past its lease (SIGSTOP, a paused VM) while another process takes its run over:
/// once it wakes it must send nothing and record nothing (issue: fail-safe at night, item 1).
@Suite struct FencingDrillTests {
    @Test func aFrozenProcessWakesFencedOutAndEveryOrderIsAppliedOnce() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // Juspay has no idempotency key: a second application shows up in the emulator's counters.
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "FRZ", count: 400)
        // A 3 s lease: the freeze outlasts it in seconds, not a minute.
        let job = try workspace.job(
            "frozen", endpoint: emulator.url, input: input, extra: "concurrency: 4\nlease_ttl: 3s\n")
        let first = try OrderBatchCLI.start(["run", job, "--run-id", "fz"])
        _ = try await OrderBatchCLI.waitForCounts(run: "fz", db: workspace.db) { $0["succeeded", default: 0] >= 10 }
        first.send(SIGSTOP)

        // Take the run over as soon as the lease has expired: `resume` exits 75 until then.
        var second: ChildProcess?
        let deadline = Date().addingTimeInterval(60)
        while second == nil, Date() < deadline {
            let attempt = try OrderBatchCLI.start(["resume", "fz", "--db", workspace.db])
            while attempt.isRunning, !attempt.stderr.contains("will be reconciled first") {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            if attempt.isRunning {
                second = attempt
            } else {
                let exit = try await attempt.exit()
                #expect(exit.status == 75, "\(attempt.stderr)")
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        let taker = try #require(second, "the lease was never taken over")
        let appliedAtWake = try await emulator.stats().appliedTotal

        // Wake the frozen process while the new holder is at work: it must stop at once.
        first.send(SIGCONT)
        let firstExit = try await first.exit(timeout: 30)
        #expect(firstExit == ChildProcess.Exit(status: 75, bySignal: false), "\(first.stderr)")
        #expect(first.stderr.contains("no longer holds the lease on run fz"), "\(first.stderr)")
        #expect(first.stderr.contains("Nothing more was sent or recorded by this process"), "\(first.stderr)")

        try await emulator.setLatency("none")
        let takerExit = try await taker.exit(timeout: 120)
        #expect(takerExit.status == 0, "\(taker.stderr)")
        let stats = try await emulator.stats()
        #expect(stats.appliedByOrder.count == 400)
        let twice = stats.appliedByOrder.filter { $0.value != 1 }
        #expect(twice.isEmpty, "applied more than once: \(twice.sorted { $0.key < $1.key }.prefix(10))")
        #expect(stats.appliedTotal >= appliedAtWake)
        #expect(try await OrderBatchCLI.counts(run: "fz", db: workspace.db)?["succeeded"] == 400)
        try await emulator.stop()
    }
}
