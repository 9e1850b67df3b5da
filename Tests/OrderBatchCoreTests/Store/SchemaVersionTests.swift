import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// Versioned migrations in both stores: the `schema_version` table, a SQLite file written by the previous
/// release upgraded and resumed, and PostgreSQL schemas created once however many workers start together.
@Suite struct SchemaVersionTests {
    let directory = StoreTestDirectory()

    /// The rows of `schema_version`, as (version, applied?) pairs.
    private func sqliteVersions(_ store: SQLiteRunStore) throws -> [(Int, Bool)] {
        try store.withConnection { db in
            let statement = try db.prepare(
                "SELECT version, applied_at IS NOT NULL FROM schema_version ORDER BY version")
            var rows: [(Int, Bool)] = []
            while try statement.step() { rows.append((Int(statement.int64(at: 0)), statement.int64(at: 1) == 1)) }
            return rows
        }
    }

    /// A run as the previous release (schema 2) leaves it after `kill -9`: written by the store's own code at
    /// version 2, its input recorded, three rows claimed, one of them recorded as succeeded, two left in flight.
    /// Then this release opens it (version 3, with `schema_version`) and `resume` finishes it.
    @Test func aVersionTwoFileFromAKilledRunUpgradesAndResumes() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...8).map { "ORD\($0)" })
        let old = try SQLiteRunStore(path: f.db, clock: { Date() }, schemaVersion: 2)
        var recording = InputRecording(job: f.job, inputPath: input, format: .csv, skipInvalid: false)
        let report = try recording.validate()
        recording.stop = nil
        try old.createRun(
            NewRun(
                id: "r1", jobName: f.job.name, jobPath: f.job.path, jobText: f.job.text,
                provider: f.job.provider.rawValue, inputPath: input,
                inputSHA256: try SHA256Hasher.hexDigest(ofFileAt: input),
                optionsJSON: String(decoding: try JSONEncoder().encode(RunOverrides()), as: UTF8.self),
                createdAt: Date()))
        try recording.record(store: old, runID: "r1", report: report)
        try old.setRunState(id: "r1", .running, reason: nil)
        let claimed = try old.claimPending(runID: "r1", limit: 3)
        try old.record([ItemResult(runID: "r1", seq: claimed[0].seq, generation: 1, state: .succeeded, attempts: 1)])
        #expect(try old.userVersion() == 2)
        #expect(
            try old.withConnection {
                try $0.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'")
            } == 0)
        try old.close()

        let transport = FakeJuspayTransport()
        let outcome = try await f.coordinator(transport).resume(f.storedRun("r1"))
        #expect(outcome.status == .success)
        let store = try SQLiteRunStore(path: f.db)
        defer { try? store.close() }
        #expect(try store.userVersion() == StoreSchema.currentVersion)
        let versions = try sqliteVersions(store)
        #expect(versions.map(\.0) == Array(1...StoreSchema.currentVersion))
        // 1 and 2 were applied before the table existed.
        #expect(versions.map(\.1) == [false, false] + Array(repeating: true, count: StoreSchema.currentVersion - 2))
        let counts = try store.counts(runID: "r1")
        #expect(counts.succeeded == 8 && counts.total == 8)
        #expect(try store.run(id: "r1")?.state == .finished)
        // The two rows left in flight were reconciled (read back) before anything was sent again.
        #expect(try store.attempts(runID: "r1", seq: 2).first?.record.phase == .reconcile)
    }

    @Test func aFreshSQLiteFileRecordsEveryMigration() throws {
        let store = try SQLiteRunStore(path: directory.path())
        defer { try? store.close() }
        #expect(try sqliteVersions(store).map(\.0) == Array(1...StoreSchema.currentVersion))
    }

    // MARK: - PostgreSQL

    @Test func aFreshPostgresSchemaIsCreatedAndVersionedOnce() throws {
        let db = try TestDatabase(.postgres, in: directory)
        let first = try #require(try db.open() as? PostgresRunStore)
        try first.createRun(StoreFixtures.newRun(id: "keep"))
        try first.close()
        let second = try #require(try db.open() as? PostgresRunStore)
        defer { try? second.close() }
        #expect(try second.schemaVersionApplied() == PostgresSchema.currentVersion)
        #expect(try second.run(id: "keep")?.jobName == "reprice")
        let rows = try second.withConnection {
            try $0.query("SELECT version, description FROM schema_version ORDER BY version")
        }
        #expect(rows.rowCount == PostgresSchema.currentVersion)
        #expect(rows.string(0, 1) == PostgresSchema.migrations[0].description)
    }

    @Test func aNewerPostgresSchemaIsRefused() throws {
        let db = try TestDatabase(.postgres, in: directory)
        let store = try #require(try db.open() as? PostgresRunStore)
        try store.withConnection {
            _ = try $0.query("INSERT INTO schema_version (version, description) VALUES (99, 'from the future')")
        }
        try store.close()
        #expect(
            throws: RunStoreError.schemaTooNew(path: db.location, found: 99, supported: PostgresSchema.currentVersion)
        ) {
            _ = try db.open()
        }
    }

    /// Eight workers start on a schema nobody created yet, each on its own thread: all connect, and the schema
    /// and its migrations are applied once (the advisory lock).
    @Test func manyWorkersOpeningANewPostgresSchemaAtOnceAllSucceed() async throws {
        let db = try TestDatabase(.postgres, in: directory)
        let failures = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            do {
                                try db.open().close()
                                continuation.resume(returning: nil)
                            } catch {
                                continuation.resume(returning: "\(error)")
                            }
                        }
                    }
                }
            }
            var failures: [String] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
        let store = try #require(try db.open() as? PostgresRunStore)
        defer { try? store.close() }
        let applied = try store.withConnection { try $0.query("SELECT count(*) FROM schema_version").int64(0, 0) }
        #expect(applied == Int64(PostgresSchema.currentVersion))  // each migration once
    }
}
