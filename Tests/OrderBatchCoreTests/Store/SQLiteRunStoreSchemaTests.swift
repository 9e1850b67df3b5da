import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

@Suite struct SQLiteRunStoreSchemaTests {
    let directory = StoreTestDirectory()

    @Test func createsSchemaSetsVersionAndWAL() throws {
        let path = directory.path()
        let store = try SQLiteRunStore(path: path)
        defer { try? store.close() }
        #expect(try store.userVersion() == StoreSchema.currentVersion)
        #expect(StoreSchema.currentVersion == 5)
        #expect(try store.journalMode() == "wal")
        let tables = try store.withConnection { db -> [String] in
            let statement = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            var names: [String] = []
            while try statement.step() { names.append(statement.string(at: 0) ?? "") }
            return names
        }
        #expect(tables == ["attempts", "invocations", "items", "leases", "runs", "schema_version"])
        let foreignKeys = try store.withConnection { try $0.scalarInt("PRAGMA foreign_keys") }
        #expect(foreignKeys == 1)
        let synchronous = try store.withConnection { try $0.scalarInt("PRAGMA synchronous") }
        #expect(synchronous == 1)  // NORMAL
        let timeout = try store.withConnection { try $0.scalarInt("PRAGMA busy_timeout") }
        #expect(timeout == 5000)
    }

    @Test func reopeningKeepsDataAndMigratesNothing() throws {
        let path = directory.path()
        let first = try SQLiteRunStore(path: path)
        try first.createRun(StoreFixtures.newRun(id: "keep"))
        try first.close()
        let second = try SQLiteRunStore(path: path)
        defer { try? second.close() }
        #expect(try second.run(id: "keep")?.jobName == "reprice")
        #expect(try second.userVersion() == StoreSchema.currentVersion)
        // No migration ran: the schema would have failed to re-create existing tables anyway.
        let changes = try second.withConnection { $0.totalChanges }
        #expect(changes == 0)
    }

    @Test func newerSchemaIsRefusedWithAClearMessage() throws {
        let path = directory.path()
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA user_version = 99")
        try db.close()
        do {
            let store = try SQLiteRunStore(path: path)
            try store.close()
            Issue.record("expected the newer schema to be refused")
        } catch let error as RunStoreError {
            #expect(error == .schemaTooNew(path: path, found: 99, supported: 5))
            #expect(error.description.contains("schema version 99"))
            #expect(error.description.contains("newer orderbatch"))
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let path = directory.path("junk.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        do {
            let store = try SQLiteRunStore(path: path)
            try store.close()
            Issue.record("expected an error")
        } catch let error as SQLiteError {
            #expect(error.resultCode == 26)  // SQLITE_NOTADB
            #expect(error.description.contains("not a usable orderbatch database"))
        }
    }

    @Test(arguments: StoreKind.allCases) func twoStoresOnOneDatabaseSeeEachOthersCommits(_ kind: StoreKind) throws {
        let db = try TestDatabase(kind, in: directory)
        let a = try db.open()
        let b = try db.open()
        defer {
            try? a.close()
            try? b.close()
        }
        try a.createRun(StoreFixtures.newRun(id: "shared"))
        try a.insertItems(runID: "shared", StoreFixtures.items(1...10))
        #expect(try b.counts(runID: "shared").pending == 10)
        let claimed = try b.claimPending(runID: "shared", limit: 4)
        #expect(claimed.map(\.seq) == [1, 2, 3, 4])
        #expect(try a.counts(runID: "shared").inFlight == 4)
        // The other connection claims the next rows, never the same ones.
        #expect(try a.claimPending(runID: "shared", limit: 100).map(\.seq) == Array(5...10))
    }
}
