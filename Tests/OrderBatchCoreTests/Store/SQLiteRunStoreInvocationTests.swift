import Foundation
import Testing

@testable import OrderBatchCore

/// Schema version 4 (PostgreSQL: 3): each `run`, `resume` and `retry` that sent, with the pacing flags it was given.
@Suite struct SQLiteRunStoreInvocationTests {
    let directory = StoreTestDirectory()

    @Test func invocationsAreKeptInOrderWithOnlyTheFlagsGiven() throws {
        let store = try SQLiteRunStore(path: directory.path())
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r1"))
        try store.createRun(StoreFixtures.newRun(id: "r2", sha: "bb22"))
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        try store.recordInvocation(
            InvocationRecord(runID: "r1", command: .run, startedAt: start, overrides: RunOverrides()))
        try store.recordInvocation(
            InvocationRecord(
                runID: "r1", command: .resume, startedAt: start + 60,
                overrides: RunOverrides(concurrency: 2, rate: "5", deadline: "none", maxFailures: "10%")))
        try store.recordInvocation(
            InvocationRecord(
                runID: "r2", command: .retry, startedAt: start + 90, overrides: RunOverrides(concurrency: 1)))
        let r1 = try store.invocations(runID: "r1")
        #expect(r1.map(\.command) == [.run, .resume])
        #expect(r1.map(\.startedAt) == [start, start + 60])
        #expect(r1[1].overrides == RunOverrides(concurrency: 2, rate: "5", deadline: "none", maxFailures: "10%"))
        #expect(try store.invocations(runID: "r2").map(\.overrides) == [RunOverrides(concurrency: 1)])
        #expect(try store.invocations(runID: "none").isEmpty)
        // Only the pacing keys given are stored: `{}` for none, never `input` or `skipInvalid`.
        let stored = try store.withConnection { db -> [String] in
            let statement = try db.prepare("SELECT options_json FROM invocations ORDER BY id")
            var texts: [String] = []
            while try statement.step() { texts.append(statement.string(at: 0) ?? "") }
            return texts
        }
        #expect(
            stored == [
                "{}", #"{"concurrency":2,"deadline":"none","maxFailures":"10%","rate":"5"}"#, #"{"concurrency":1}"#,
            ])
    }

    @Test func aVersionTwoDatabaseGainsTheTableAndKeepsItsRuns() throws {
        let path = directory.path("v2.sqlite")
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode = WAL")
        try db.execute(StoreSchema.migrations[0].sql)
        try db.execute(StoreSchema.migrations[1].sql)
        try db.execute("PRAGMA user_version = 2")
        try db.execute(
            """
            INSERT INTO runs (id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json, state,
                              created_at, updated_at)
            VALUES ('old', 'reprice', 'j.yaml', 'name: reprice', 'juspay', 'in.csv', 'aa', '{}', 'stopped', 1, 2)
            """)
        try db.close()
        let store = try SQLiteRunStore(path: path)
        defer { try? store.close() }
        #expect(try store.userVersion() == StoreSchema.currentVersion)
        #expect(try store.run(id: "old")?.state == .stopped)
        #expect(try store.invocations(runID: "old").isEmpty)
        try store.recordInvocation(
            InvocationRecord(runID: "old", command: .resume, startedAt: Date(), overrides: RunOverrides(rate: "2")))
        #expect(try store.invocations(runID: "old").map(\.overrides.rate) == ["2"])
        // An invocation belongs to a run: one naming no run is refused.
        #expect(throws: SQLiteError.self) {
            try store.recordInvocation(
                InvocationRecord(runID: "nowhere", command: .run, startedAt: Date(), overrides: RunOverrides()))
        }
    }
}
