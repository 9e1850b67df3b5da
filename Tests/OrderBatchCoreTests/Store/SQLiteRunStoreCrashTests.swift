import Foundation
import Testing

@testable import OrderBatchCore

#if canImport(Glibc)
import Glibc
#endif

/// A writer killed with SIGKILL loses nothing it committed: WAL with `synchronous=NORMAL` (the store's settings)
/// has a commit in the WAL file when COMMIT returns, and the next open recovers it from the hot WAL.
///
/// The writer is a Python child using SQLite directly with the store's pragmas (the test binary cannot easily
/// run itself as a child); the process-level crash drill with the real binary lives in the end-to-end tests.
@Suite struct SQLiteRunStoreCrashTests {
    static let python = "/usr/bin/python3"
    let directory = StoreTestDirectory()

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func committedResultsSurviveSIGKILLOfTheWriter() throws {
        let path = directory.path()
        let store = try SQLiteRunStore(path: path)
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", StoreFixtures.items(1...100))
        try store.close()

        // The child claims rows 1-60 and marks 1-50 succeeded in committed transactions, then opens a
        // transaction marking 51-60 succeeded that it never commits, says "ready", and waits to be killed.
        let script = """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("PRAGMA busy_timeout = 5000")
            assert db.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
            db.execute("PRAGMA synchronous = NORMAL")
            run = "run_key = (SELECT key FROM runs WHERE id = 'r')"
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"UPDATE items SET state = 'in_flight' WHERE {run} AND seq <= 60")
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"UPDATE items SET state = 'succeeded', attempts = 1 WHERE {run} AND seq <= 50")
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"UPDATE items SET state = 'succeeded', attempts = 1 WHERE {run} AND seq BETWEEN 51 AND 60")
            print("ready", flush=True)
            time.sleep(60)
            """
        let child = Process()
        child.executableURL = URL(fileURLWithPath: Self.python)
        child.arguments = ["-c", script, path]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let ready = output.fileHandleForReading.readData(ofLength: 6)
        #expect(String(decoding: ready, as: UTF8.self) == "ready\n")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)

        let reopened = try SQLiteRunStore(path: path)
        defer { try? reopened.close() }
        var counts = try reopened.counts(runID: "r")
        #expect(counts.succeeded == 50)
        #expect(counts.inFlight == 10)
        #expect(counts.pending == 40)
        // Resume: the rows the dead writer had in flight become unknown and are reconciled before any resend.
        #expect(try reopened.recoverInterrupted(runID: "r") == 10)
        counts = try reopened.counts(runID: "r")
        #expect(counts.unknown == 10)
        let next = try reopened.claimPending(runID: "r", limit: 11)
        #expect(next.map(\.seq) == Array(51...61))
        #expect(next.filter(\.needsReconcile).count == 10)
        #expect(next[0].idempotencyKey == "ob-r-51-g1")
    }
}
