import Foundation
import OrderBatchCore
import Testing

@Suite struct RunStoreActorTests {
    let directory = StoreTestDirectory()

    @Test func callsRunOnTheStoresOwnThreadOneAtATime() async throws {
        let store = try SQLiteRunStore(path: directory.path())
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

    /// More blocking store calls than the cooperative pool has threads (each as long as a busy wait)
    /// leave the pool free: a task started meanwhile finishes before the first of them ends. Were the
    /// calls made on the pool, it would wait for one of them to end. (The sleep is the scenario: a store
    /// call stuck in SQLite's busy wait. The check is an order of events, not a time bound, so a loaded
    /// machine that runs the probe late does not fail it.)
    @Test func aBlockedStoreCallBlocksNoCooperativeThread() async throws {
        let store = try SQLiteRunStore(path: directory.path())
        defer { try? store.close() }
        let db = RunStoreActor(store)
        let blocking = ProcessInfo.processInfo.activeProcessorCount + 1
        let entered = Locked(false)
        let finished = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<blocking {
                group.addTask {
                    try await db.perform { _ in
                        entered.withLock { $0 = true }
                        Thread.sleep(forTimeInterval: 4)
                        finished.withLock { $0 += 1 }
                    }
                }
            }
            while !entered.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            let probe = Task.detached { 6 * 7 }
            #expect(await probe.value == 42)
            #expect(finished.withLock { $0 } == 0, "the probe waited for a blocked store call to end")
            try await group.waitForAll()
        }
    }
}
