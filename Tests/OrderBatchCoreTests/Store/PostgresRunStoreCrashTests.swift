import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

#if canImport(Glibc)
import Glibc
#endif

/// A writer killed with SIGKILL loses nothing it committed, and what it had not committed is rolled back and
/// never blocks the next process: the PostgreSQL side of ``SQLiteRunStoreCrashTests``.
///
/// The writer is `psql` (the test binary cannot easily run itself as a child) on the store's tables, reading
/// its statements from a pipe the test keeps open, so that it sits `idle in transaction` holding the row locks
/// of its last, uncommitted update when it is killed, as a store killed between two statements would.
@Suite struct PostgresRunStoreCrashTests {
    let directory = StoreTestDirectory()

    @Test func committedResultsSurviveSIGKILLOfTheWriterAndItsOpenTransactionIsRolledBack() throws {
        let database = try TestDatabase(.postgres, in: directory)
        let store = try database.open()
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", StoreFixtures.items(1...100))

        // The child claims rows 1-60 and marks 1-50 succeeded in committed transactions, then opens a
        // transaction marking 51-60 succeeded that it never commits, and waits for more input until killed.
        let name = "obcrash-" + UUID().uuidString.prefix(8).lowercased()
        let script = """
            \\set ON_ERROR_STOP on
            BEGIN;
            UPDATE items SET state = 'in_flight' WHERE run_id = 'r' AND seq <= 60;
            COMMIT;
            BEGIN;
            UPDATE items SET state = 'succeeded', attempts = 1 WHERE run_id = 'r' AND seq <= 50;
            COMMIT;
            BEGIN;
            UPDATE items SET state = 'succeeded', attempts = 1 WHERE run_id = 'r' AND seq BETWEEN 51 AND 60;

            """
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["psql", "-X", "-q", database.location]
        child.environment = ProcessInfo.processInfo.environment.merging(["PGAPPNAME": name]) { $1 }
        let input = Pipe()
        child.standardInput = input
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        input.fileHandleForWriting.write(Data(script.utf8))

        // Ready once its session sits in the open transaction (read from the server, not from psql's output).
        let postgres = try #require(store as? PostgresRunStore)
        let deadline = Date().addingTimeInterval(60)
        var ready = false
        while !ready && Date() < deadline && child.isRunning {
            ready = try postgres.withConnection { db in
                try db.query(
                    """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE application_name = $1 AND state = 'idle in transaction'
                      AND query LIKE '%BETWEEN 51 AND 60%'
                    """, [name]
                ).int64(0, 0) == 1
            }
            if !ready { usleep(20_000) }
        }
        #expect(ready, "psql never reached its open transaction")
        // Uncommitted: nobody else sees rows 51-60 succeeded.
        #expect(try store.counts(runID: "r").succeeded == 50)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)
        try? input.fileHandleForWriting.close()

        let reopened = try database.open()
        defer { try? reopened.close() }
        var counts = try reopened.counts(runID: "r")
        #expect(counts.succeeded == 50)
        #expect(counts.inFlight == 10)
        #expect(counts.pending == 40)
        // Resume: the rows the dead writer had in flight become unknown and are reconciled before any resend
        // (this waits, if it must, for the server to roll back the dead session and release its row locks).
        #expect(try reopened.recoverInterrupted(runID: "r") == 10)
        counts = try reopened.counts(runID: "r")
        #expect(counts.unknown == 10)
        #expect(counts.succeeded == 50)
        let next = try reopened.claimPending(runID: "r", limit: 11)
        #expect(next.map(\.seq) == Array(51...61))
        #expect(next.filter(\.needsReconcile).count == 10)
        #expect(next[0].idempotencyKey == "ob-r-51-g1")
    }
}
