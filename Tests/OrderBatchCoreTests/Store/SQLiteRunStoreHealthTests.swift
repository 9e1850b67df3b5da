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
}
