import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

#if canImport(Glibc)
import Glibc
#endif

/// Fencing in the store, against each store: a process whose lease was taken over claims and records nothing,
/// and processes claiming from one run at once never take the same row.
@Suite struct RunStoreFencingTests {
    let directory = StoreTestDirectory()
    let clock = TestClock()

    @Test(arguments: StoreKind.allCases) func aFencedOutOwnerClaimsAndRecordsNothing(_ kind: StoreKind) throws {
        let db = try TestDatabase(kind, in: directory)
        let (a, b) = (try db.open(clock: clock), try db.open(clock: clock))
        defer {
            try? a.close()
            try? b.close()
        }
        try a.createRun(StoreFixtures.newRun(id: "r"))
        try a.insertItems(runID: "r", StoreFixtures.items(1...10))
        let frozen = LeaseOwner(pid: getpid(), host: "frozen-host", token: "frozen")
        _ = try a.acquireLease(jobName: "reprice", runID: "r", owner: frozen, ttlSeconds: 30)
        let mine = try a.claimPending(runID: "r", limit: 3, afterSeq: 0, fence: frozen)
        #expect(mine.map(\.seq) == [1, 2, 3])

        // The holder freezes past its lease; another process takes the run over.
        clock.advance(31)
        let taker = LeaseOwner(pid: getpid(), host: "taker-host", token: "taker")
        guard case .acquired = try b.acquireLease(jobName: "reprice", runID: "r", owner: taker, ttlSeconds: 30) else {
            Issue.record("expected the stale lease to be taken over")
            return
        }
        // The frozen process wakes: it can neither claim nor record.
        #expect(throws: RunStoreError.leaseLost(runID: "r")) {
            _ = try a.claimPending(runID: "r", limit: 3, afterSeq: 3, fence: frozen)
        }
        let late = ItemResult(runID: "r", seq: 1, generation: 1, state: .succeeded, attempts: 1)
        #expect(throws: RunStoreError.leaseLost(runID: "r")) { try a.record([late], fence: frozen) }
        let counts = try b.counts(runID: "r")
        #expect(counts.inFlight == 3 && counts.pending == 7 && counts.succeeded == 0)
        // Its rows are the new holder's to reconcile.
        #expect(try b.recoverInterrupted(runID: "r") == 3)
        #expect(
            try b.claimPending(runID: "r", limit: 3, afterSeq: 0, fence: taker).map(\.needsReconcile) == [
                true, true, true,
            ])
    }

    /// Four connections claim batches of one run at the same time, each on its own thread, until nothing is
    /// left: every row is claimed exactly once.
    @Test(arguments: StoreKind.allCases) func concurrentClaimsNeverTakeTheSameRow(_ kind: StoreKind) async throws {
        let db = try TestDatabase(kind, in: directory)
        let setup = try db.open()
        try setup.createRun(StoreFixtures.newRun(id: "r"))
        try setup.insertItems(runID: "r", StoreFixtures.items(1...2000))
        try setup.close()
        let claims = await withTaskGroup(of: [Int64].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            var seqs: [Int64] = []
                            do {
                                let store = try db.open()
                                defer { try? store.close() }
                                while true {
                                    let batch = try store.claimPending(runID: "r", limit: 25)
                                    if batch.isEmpty { break }
                                    seqs += batch.map(\.seq)
                                }
                            } catch {
                                seqs.append(-1)
                            }
                            continuation.resume(returning: seqs)
                        }
                    }
                }
            }
            var all: [[Int64]] = []
            for await seqs in group { all.append(seqs) }
            return all
        }
        let every = claims.flatMap { $0 }
        #expect(!every.contains(-1))
        #expect(every.count == 2000)
        #expect(Set(every).count == 2000)
    }
}
