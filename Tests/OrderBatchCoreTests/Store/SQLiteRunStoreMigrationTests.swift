import Foundation
import Testing

@testable import OrderBatchCore

/// Schema version 2 (run state `canceled`) over a database written by version 1, and opening a database that
/// other connections are creating at the same moment.
@Suite struct SQLiteRunStoreMigrationTests {
    let directory = StoreTestDirectory()

    /// A version-1 database with one run of 3 rows, one of them with an attempt, as an older orderbatch left it.
    private func versionOneDatabase() throws -> String {
        let path = directory.path("v1.sqlite")
        let db = try SQLiteConnection(path: path)
        defer { try? db.close() }
        try db.execute("PRAGMA journal_mode = WAL")
        try db.execute(StoreSchema.migrations[0].sql)
        try db.execute("PRAGMA user_version = 1")
        try db.execute(
            """
            INSERT INTO runs (id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json, state,
                              state_reason, created_at, updated_at)
            VALUES ('old', 'reprice', 'j.yaml', 'name: reprice', 'juspay', 'in.csv', 'aa', '{}', 'stopped', 'deadline', 1, 2),
                   ('older', 'reprice', 'j.yaml', 'name: reprice', 'juspay', 'in.csv', 'bb', '{}', 'finished', NULL, 1, 2);
            INSERT INTO items (run_id, seq, line, order_id, payload, input_json, state, idempotency_key, created_at, updated_at)
            VALUES ('old', 1, 2, 'A1', '{}', '{}', 'succeeded', 'k1', 1, 1),
                   ('old', 2, 3, 'A2', '{}', '{}', 'in_flight', 'k2', 1, 1),
                   ('old', 3, 4, 'A3', '{}', '{}', 'pending', 'k3', 1, 1);
            INSERT INTO attempts (run_id, seq, generation, attempt, phase, started_at, outcome)
            VALUES ('old', 1, 1, 1, 'send', 1, 'succeeded');
            """)
        return path
    }

    @Test func versionOneIsMigratedKeepingEveryRowAndAcceptsCanceled() throws {
        let path = try versionOneDatabase()
        let store = try SQLiteRunStore(path: path)
        defer { try? store.close() }
        #expect(try store.userVersion() == StoreSchema.currentVersion)
        // Nothing cascaded away while `runs` was rebuilt, and the order of creation is kept.
        #expect(try store.recentRuns(limit: 10).map(\.id) == ["older", "old"])  // same created_at: by rowid, kept
        #expect(try store.run(id: "old")?.stateReason == "deadline")
        let counts = try store.counts(runID: "old")
        #expect(counts.total == 3 && counts.succeeded == 1 && counts.inFlight == 1 && counts.pending == 1)
        #expect(try store.attempts(runID: "old", seq: 1).count == 1)
        #expect(try store.withConnection { try $0.scalarInt("PRAGMA foreign_keys") } == 1)
        let indexes = try store.withConnection { db -> [String] in
            let statement = try db.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL ORDER BY name"
            )
            var names: [String] = []
            while try statement.step() { names.append(statement.string(at: 0) ?? "") }
            return names
        }
        #expect(indexes == ["runs_by_created", "runs_by_input", "runs_by_job"])
        let canceled = try store.cancelRun(id: "old", reason: "by orderbatch cancel")
        #expect(canceled.unknown == 1 && canceled.inFlight == 0 && canceled.pending == 1)
        #expect(try store.run(id: "old")?.state == .canceled)
        // The items still belong to their run: a foreign key violation is refused as before.
        #expect(throws: SQLiteError.self) {
            try store.insertItems(runID: "nowhere", StoreFixtures.items(1...1))
        }
    }

    /// Another connection is writing the new file (in rollback mode, before anyone switched it to WAL) when the
    /// store opens it: switching to WAL needs the file to itself, and SQLite answers that at once with
    /// `SQLITE_BUSY`, without waiting out the busy timeout. The store keeps trying, and opens it once the other
    /// connection commits.
    @Test func openingWaitsForAnotherConnectionWritingTheNewFile() async throws {
        let path = directory.path("held.sqlite")
        let other = try SQLiteConnection(path: path)
        defer { try? other.close() }
        try other.execute("BEGIN IMMEDIATE; CREATE TABLE elsewhere (a INTEGER); INSERT INTO elsewhere VALUES (1)")
        let opened: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let store = try SQLiteRunStore(path: path)
                    let version = try store.userVersion()
                    try store.close()
                    continuation.resume(returning: "version \(version)")
                } catch {
                    continuation.resume(returning: "\(error)")
                }
            }
            // The other connection holds its write transaction a moment longer than the opener's first try.
            Thread.sleep(forTimeInterval: 0.3)
            try? other.execute("COMMIT")
        }
        #expect(opened == "version \(StoreSchema.currentVersion)")
    }

    /// Many connections open a database that does not exist yet, all at once, each on its own thread: every
    /// one opens it (none fails with "database is locked"), and the schema is created once.
    @Test func manyConnectionsOpeningANewFileAtOnceAllSucceed() async throws {
        for round in 0..<5 {
            let path = directory.path("race-\(round).sqlite")
            let results = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await withCheckedContinuation { continuation in
                            Thread.detachNewThread {
                                do {
                                    let store = try SQLiteRunStore(path: path)
                                    try store.close()
                                    continuation.resume(returning: nil)
                                } catch {
                                    continuation.resume(returning: "\(error)")
                                }
                            }
                        }
                    }
                }
                var failures: [String] = []
                for await result in group { if let result { failures.append(result) } }
                return failures
            }
            #expect(results.isEmpty, "round \(round): \(results)")
            let store = try SQLiteRunStore(path: path)
            #expect(try store.userVersion() == StoreSchema.currentVersion)
            #expect(try store.journalMode() == "wal")
            try store.close()
        }
    }
}
