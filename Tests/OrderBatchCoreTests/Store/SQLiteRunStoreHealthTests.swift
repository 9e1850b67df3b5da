import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// The store's checks of itself: the file is still the one opened, the run's indexes agree, and
/// `PRAGMA quick_check` passes (issue: fail-safe at night, item 6).
@Suite struct SQLiteRunStoreHealthTests {
    let directory = StoreTestDirectory()

    @Test func aDeletedOrReplacedFileIsNoticed() throws {
        let path = directory.path()
        let store = try SQLiteRunStore(path: path)
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.checkStorage()
        try FileManager.default.moveItem(atPath: path, toPath: path + ".moved")
        #expect(throws: RunStoreError.databaseMoved(path: path)) { try store.checkStorage() }
        // Something else now stands at the path: still not the file this store writes to.
        let other = try SQLiteRunStore(path: path)
        try other.close()
        #expect(throws: RunStoreError.databaseMoved(path: path)) { try store.checkStorage() }
    }

    @Test(arguments: StoreKind.allCases) func indexesThatDisagreeAreDamage(_ kind: StoreKind) throws {
        let store = try TestDatabase(kind, in: directory).open()
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", StoreFixtures.items(1...100))
        #expect(try store.consistencyProblems(runID: "r") == [])
        #expect(try store.quickCheck() == [])
        // Rows numbered 1…N without a gap is what every ingest writes; a missing row is what a damaged
        // index that still reads looks like to the counts.
        try store.createRun(StoreFixtures.newRun(id: "g", sha: "bb22"))
        try store.insertItems(runID: "g", StoreFixtures.items(1...50) + StoreFixtures.items(52...100))
        let problems = try store.consistencyProblems(runID: "g")
        let cause = kind == .sqlite ? "an index of the items table is damaged" : "rows are missing from the items table"
        #expect(problems == ["run g counts 99 rows by state but its rows are numbered 1…100: \(cause)"])
        #expect(try store.consistencyProblems(runID: "nothing-recorded") == [])
    }

    /// A file closed sound is trusted again without `PRAGMA quick_check` only while nothing touched it: a
    /// write by anyone else, a WAL with commits in it, or damage found means a full check next time.
    @Test func aCleanCheckIsRememberedUntilTheFileChanges() throws {
        let path = directory.path()
        let stamp = path + "-checked"
        let created = try SQLiteRunStore(path: path)
        try created.createRun(StoreFixtures.newRun(id: "r"))
        try created.insertItems(runID: "r", StoreFixtures.items(1...20))
        #expect(!created.checkIsRemembered)
        try created.close()
        #expect(FileManager.default.fileExists(atPath: stamp))  // it created the file: known sound

        let again = try SQLiteRunStore(path: path)
        #expect(again.checkIsRemembered)
        #expect(try again.quickCheck() == [])
        try again.close()

        // Another program writes to the file (the sqlite3 shell): its change time moves; a full check runs.
        let shell = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000)
        try shell.execute("UPDATE items SET state = 'pending' WHERE seq = 1")
        try shell.close()
        let edited = try SQLiteRunStore(path: path)
        #expect(!edited.checkIsRemembered)
        #expect(try edited.quickCheck() == [])  // it passes, and is remembered at close
        try edited.close()
        #expect(try SQLiteRunStore(path: path).checkIsRemembered)

        // A connection that committed into the WAL and is still open: those commits were never checked.
        let writer = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000)
        try writer.execute("PRAGMA wal_autocheckpoint = 0")
        try writer.execute("UPDATE items SET state = 'pending' WHERE seq = 2")
        let beside = try SQLiteRunStore(path: path)
        #expect(!beside.checkIsRemembered)
        try beside.close()
        #expect(!FileManager.default.fileExists(atPath: stamp))  // the WAL still had commits at close
        try writer.close()
    }

    @Test func damageFoundForgetsTheRememberedCheck() throws {
        let path = directory.path()
        let store = try SQLiteRunStore(path: path)
        try store.createRun(StoreFixtures.newRun(id: "g", sha: "bb22"))
        try store.insertItems(runID: "g", StoreFixtures.items(1...5) + StoreFixtures.items(7...9))
        try store.close()
        #expect(FileManager.default.fileExists(atPath: path + "-checked"))
        let reader = try SQLiteRunStore(path: path)
        #expect(try reader.consistencyProblems(runID: "g").count == 1)
        #expect(!FileManager.default.fileExists(atPath: path + "-checked"))
        try reader.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-checked"))
        #expect(!(try SQLiteRunStore(path: path).checkIsRemembered))
    }
}
