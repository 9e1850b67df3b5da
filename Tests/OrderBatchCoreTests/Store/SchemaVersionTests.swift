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

    /// A run as an older release (schema 2) leaves it after `kill -9`: its input recorded, three rows claimed,
    /// one of them recorded as succeeded, two left in flight. The rows' texts (input, payload, key) are what
    /// the store's own ingest writes (through a scratch file at the current version); they go into the old
    /// tables as that release wrote them. Then this release opens it (migrations 3 to the current one) and
    /// `resume` finishes it.
    @Test func aVersionTwoFileFromAKilledRunUpgradesAndResumes() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...8).map { "ORD\($0)" })
        let scratch = try SQLiteRunStore(path: directory.path("scratch.sqlite"))
        var recording = InputRecording(job: f.job, inputPath: input, format: .csv, skipInvalid: false)
        let report = try recording.validate()
        recording.stop = nil
        let run = NewRun(
            id: "r1", jobName: f.job.name, jobPath: f.job.path, jobText: f.job.text,
            provider: f.job.provider.rawValue, inputPath: input,
            inputSHA256: try SHA256Hasher.hexDigest(ofFileAt: input),
            optionsJSON: String(decoding: try JSONEncoder().encode(RunOverrides()), as: UTF8.self),
            createdAt: Date())
        try scratch.createRun(run)
        try recording.record(store: scratch, runID: "r1", report: report)
        var items: [StoredItem] = []
        try scratch.forEachItem(runID: "r1", states: nil) { items.append($0) }
        let payloads = Dictionary(
            uniqueKeysWithValues: try scratch.claimPending(runID: "r1", limit: 100).map { ($0.seq, $0.payload) })
        try scratch.close()
        #expect(items.count == 8)

        let old = try SQLiteRunStore(path: f.db, clock: { Date() }, schemaVersion: 2)
        try old.withConnection { db in
            let insertRun = try db.prepare(
                """
                INSERT INTO runs (id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                                  state, created_at, started_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', ?9, ?9, ?9)
                """)
            for (index, text) in [
                run.id, run.jobName, run.jobPath, run.jobText, run.provider, run.inputPath, run.inputSHA256,
                run.optionsJSON,
            ].enumerated() {
                try insertRun.bind(text, at: Int32(index + 1))
            }
            try insertRun.bind(run.createdAt.timeIntervalSince1970, at: 9)
            try insertRun.run()
            let insertItem = try db.prepare(
                """
                INSERT INTO items (run_id, seq, line, order_id, payload, input_json, state, idempotency_key, attempts,
                                   created_at, updated_at)
                VALUES ('r1', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 1)
                """)
            for item in items {
                let state = item.seq == 1 ? "succeeded" : item.seq <= 3 ? "in_flight" : "pending"
                try insertItem.bind(item.seq, at: 1)
                try insertItem.bind(item.line, at: 2)
                try insertItem.bind(item.orderID, at: 3)
                try insertItem.bind(payloads[item.seq], at: 4)
                try insertItem.bind(item.inputJSON, at: 5)
                try insertItem.bind(state, at: 6)
                try insertItem.bind(item.idempotencyKey, at: 7)
                try insertItem.bind(item.seq == 1 ? 1 : 0, at: 8)
                try insertItem.run()
                insertItem.reset()
            }
        }
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
