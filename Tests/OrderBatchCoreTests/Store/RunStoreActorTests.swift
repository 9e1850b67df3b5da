import Foundation
import OrderBatchCore
import OrderBatchTestSupport
import Testing

@Suite struct RunStoreActorTests {
    let directory = StoreTestDirectory()

    @Test(arguments: StoreKind.allCases) func callsRunOnTheStoresOwnThreadOneAtATime(_ kind: StoreKind) async throws {
        let store = try TestDatabase(kind, in: directory).open()
        defer { try? store.close() }
        let db = RunStoreActor(store)
        try await db.perform { try $0.createRun(StoreFixtures.newRun()) }
        let running = Locked((now: 0, most: 0))
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await db.perform { store in
                        running.withLock {
                            $0.now += 1
                            $0.most = max($0.most, $0.now)
                        }
                        defer { running.withLock { $0.now -= 1 } }
                        _ = try store.counts(runID: "r1")
                        Thread.sleep(forTimeInterval: 0.01)
                        return Thread.current.threadDictionary["orderbatch.thread"] as? String
                    }
                }
            }
            for try await name in group { #expect(name == "orderbatch-store") }
        }
        #expect(running.withLock { $0.most } == 1)
        #expect(try await db.perform { try $0.run(id: "r1")?.id } == "r1")
    }

    // No timing test of "the cooperative pool stays free": Swift Testing runs every suite in one
    // process, so the pool is shared with hundreds of other tests and such a test measures them. The
    // guarantee is structural, and the test above checks it: every call runs on the store's own thread.
}
