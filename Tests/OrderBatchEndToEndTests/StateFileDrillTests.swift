import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// The state database deleted or damaged under a run (issue: fail-safe at night, item 6): a run
/// whose writes would be lost stops sending, and no command trusts a damaged file's counts.
@Suite struct StateFileDrillTests {
    @Test func deletingTheStateDatabaseMidRunStopsSendingWithExit74() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "DEL", count: 600)
        // lease_ttl 6s: a heartbeat (and a check of the file) every half second.
        let job = try workspace.job(
            "deleted", endpoint: emulator.url, input: input, extra: "concurrency: 4\nlease_ttl: 6s\n")
        let run = try OrderBatchCLI.start(["run", job, "--run-id", "del"])
        _ = try await OrderBatchCLI.waitForCounts(run: "del", db: workspace.db) { $0["succeeded", default: 0] >= 10 }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: workspace.db + suffix) }
        let exit = try await run.exit(timeout: 30)
        #expect(exit == ChildProcess.Exit(status: 74, bySignal: false), "\(run.stderr)")
        #expect(
            run.stderr.contains("the state database \(workspace.db) was deleted, moved or replaced"), "\(run.stderr)")
        #expect(!run.stdout.contains("succeeded, "), "no summary of rows that are recorded nowhere: \(run.stdout)")
        let applied = try await emulator.stats().appliedTotal
        #expect(applied < 600, "it stopped sending")
        try await emulator.stop()
    }

    @Test func aDamagedDatabaseIsNamedByStatusAndReportAndRefusedByResume() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "DMG", count: 3000)
        let job = try workspace.job(
            "damaged", endpoint: "emulator", input: input, extra: "preflight: false\nconcurrency: 32\n")
        let done = try await OrderBatchCLI.run(["run", job, "--run-id", "dmg"], timeout: 120)
        #expect(done.exit.status == 0, "\(done.stderr)")
        // Overwrite a stretch in the middle of the file, as a failing disk or a stray `dd` would.
        let handle = try #require(FileHandle(forUpdatingAtPath: workspace.db))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 3)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: Int(size / 4)))
        try handle.close()

        let status = try await OrderBatchCLI.run(["status", "dmg", "--db", workspace.db])
        #expect(status.exit.status == 74, "\(status.stdout) \(status.stderr)")
        #expect(status.stderr.contains("the state database \(workspace.db) is damaged"), "\(status.stderr)")
        #expect(!status.stdout.contains("succeeded"), "no counts from a damaged file: \(status.stdout)")
        let report = try await OrderBatchCLI.run(["report", "dmg", "--db", workspace.db, "--state", "all"])
        #expect(report.exit.status == 74, "\(report.stderr)")
        #expect(report.stdout.isEmpty)
        let resume = try await OrderBatchCLI.run(["resume", "dmg", "--db", workspace.db])
        #expect(resume.exit.status == 74, "\(resume.stderr)")
        #expect(resume.stderr.contains("PRAGMA quick_check"), "\(resume.stderr)")
    }

    @Test func aStateFileThatCannotGrowStopsTheRunResumably() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--latency", "juspay"])
        let input = try workspace.juspayCSV("in.csv", prefix: "FUL", count: 400)
        let job = try workspace.job("full", endpoint: emulator.url, input: input, extra: "concurrency: 4\n")
        let run = try OrderBatchCLI.start(["run", job, "--run-id", "ful"])
        _ = try await OrderBatchCLI.waitForCounts(run: "ful", db: workspace.db) { $0["succeeded", default: 0] >= 5 }
        // From now on no file of the process may grow past 4 KiB, as on a full disk: the next commit fails.
        let limit = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/prlimit"), ["--pid", "\(run.pid)", "--fsize=4096"])
        #expect(limit.exit.status == 0, "\(limit.stderr)")
        let exit = try await run.exit(timeout: 60)
        #expect(exit == ChildProcess.Exit(status: 3, bySignal: false), "\(run.stderr)")
        #expect(run.stderr.contains("the state database could not be written"), "\(run.stderr)")
        #expect(run.stderr.contains("resume it with `orderbatch resume ful"), "\(run.stderr)")

        try await emulator.setLatency("none")
        let resume = try await OrderBatchCLI.run(["resume", "ful", "--db", workspace.db])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        let stats = try await emulator.stats()
        #expect(stats.appliedByOrder.count == 400)
        #expect(stats.appliedByOrder.values.allSatisfy { $0 == 1 })
        try await emulator.stop()
    }
}
