import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

#if canImport(Glibc)
import Glibc
#endif

/// Several workers on one run (PostgreSQL): joining, one run per job, the rescuer pass, and fencing by the
/// worker's id.
@Suite struct PostgresWorkerTests {
    let directory = StoreTestDirectory()
    let clock = TestClock()

    /// A run `r` of job `reprice` with `rows` pending rows, and two stores on its database.
    private func twoWorkers(rows: Int64 = 20) throws -> (any RunStore, any RunStore) {
        let db = try TestDatabase(.postgres, in: directory)
        let (a, b) = (try db.open(clock: clock), try db.open(clock: clock))
        try a.createRun(StoreFixtures.newRun(id: "r"))
        try a.insertItems(runID: "r", StoreFixtures.items(1...rows))
        return (a, b)
    }

    private func worker(_ name: String, host: String = "elsewhere") -> LeaseOwner {
        LeaseOwner(pid: getpid(), host: host, token: name)
    }

    @Test func workersJoinOneRunButNotAnotherRunOfTheJob() throws {
        let (a, b) = try twoWorkers()
        defer {
            try? a.close()
            try? b.close()
        }
        #expect(
            try a.acquireLease(jobName: "reprice", runID: "r", owner: worker("w1"), ttlSeconds: 30)
                == .acquired(takenOver: []))
        // `resume` (exclusive) is refused while w1 lives; `work` (join) is not.
        #expect(
            try b.acquireLease(jobName: "reprice", runID: "r", owner: worker("w2"), ttlSeconds: 30)
                != .acquired(takenOver: []))
        #expect(
            try b.joinRun(jobName: "reprice", runID: "r", owner: worker("w2"), ttlSeconds: 30)
                == .acquired(takenOver: []))
        // Another run of the job is refused by its live workers, on any host: one run per job at a time.
        guard
            case .heldBy(let holder) = try b.joinRun(
                jobName: "reprice", runID: "other", owner: worker("w3"), ttlSeconds: 30)
        else {
            Issue.record("expected the other run to be refused")
            return
        }
        #expect(holder.scope == .job && holder.runID == "r")
        let workers = try a.workers(runID: "r")
        #expect(workers.map(\.id).sorted() == ["w1", "w2"])  // the test clock makes their start times equal
        #expect(workers.allSatisfy { $0.isLive && $0.host == "elsewhere" && $0.heartbeatAgeSeconds < 5 })

        // Claims are stamped and counted per worker, and never overlap.
        let one = try a.claimPending(runID: "r", limit: 5, afterSeq: 0, fence: worker("w1"))
        let two = try b.claimPending(runID: "r", limit: 5, afterSeq: 0, fence: worker("w2"))
        #expect(Set(one.map(\.seq)).isDisjoint(with: two.map(\.seq)))
        #expect(try a.workers(runID: "r").map(\.rowsClaimed) == [5, 5])
    }

    @Test func theRescuerPassTakesTheRowsOfAnExpiredWorkerOnly() throws {
        let (a, b) = try twoWorkers()
        defer {
            try? a.close()
            try? b.close()
        }
        _ = try a.joinRun(jobName: "reprice", runID: "r", owner: worker("frozen"), ttlSeconds: 30)
        _ = try b.joinRun(jobName: "reprice", runID: "r", owner: worker("alive"), ttlSeconds: 30)
        let frozen = try a.claimPending(runID: "r", limit: 4, afterSeq: 0, fence: worker("frozen"))
        let alive = try b.claimPending(runID: "r", limit: 4, afterSeq: 0, fence: worker("alive"))
        clock.advance(20)
        #expect(try b.renewLease(jobName: "reprice", runID: "r", owner: worker("alive")))
        #expect(try b.rescueStaleWorkers(runID: "r") == 0)  // 20 s: nobody has expired
        // `resume` beside a live worker must not steal its rows.
        #expect(try b.recoverInterrupted(runID: "r") == 0)
        clock.advance(15)  // frozen: 35 s since its heartbeat; alive: 15 s
        #expect(try b.rescueStaleWorkers(runID: "r") == frozen.count)
        var unknown: [Int64] = []
        try b.forEachItem(runID: "r", states: [.unknown]) { unknown.append($0.seq) }
        #expect(unknown == frozen.map(\.seq))
        #expect(try b.counts(runID: "r").inFlight == alive.count)
        #expect(try b.workers(runID: "r").map(\.id) == ["alive"])

        // The frozen worker wakes: it records nothing, and its late result changes nothing.
        let late = ItemResult(runID: "r", seq: frozen[0].seq, generation: 1, state: .succeeded, attempts: 1)
        #expect(throws: RunStoreError.leaseLost(runID: "r")) { try a.record([late], fence: worker("frozen")) }
        #expect(throws: RunStoreError.leaseLost(runID: "r")) {
            _ = try a.claimPending(runID: "r", limit: 1, afterSeq: 0, fence: worker("frozen"))
        }
        #expect(!(try a.renewLease(jobName: "reprice", runID: "r", owner: worker("frozen"))))

        // A live worker reclaims the rescued rows and reconciles them first; a result for a row it does not
        // hold is refused as fenced out.
        let reclaimed = try b.claimPending(runID: "r", limit: 4, afterSeq: 0, fence: worker("alive"))
        #expect(reclaimed.map(\.seq) == frozen.map(\.seq) && reclaimed.allSatisfy(\.needsReconcile))
        _ = try a.joinRun(jobName: "reprice", runID: "r", owner: worker("third"), ttlSeconds: 30)
        let foreign = ItemResult(runID: "r", seq: alive[0].seq, generation: 1, state: .succeeded, attempts: 1)
        #expect(throws: RunStoreError.leaseLost(runID: "r")) { try a.record([foreign], fence: worker("third")) }
        try b.record([foreign], fence: worker("alive"))
        #expect(try b.counts(runID: "r").succeeded == 1)
    }
}
