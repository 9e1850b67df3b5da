import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

#if canImport(Glibc)
import Glibc
#endif

/// One live lease per job and per run, taken over when stale, against each store.
@Suite struct RunStoreLeaseTests {
    let directory = StoreTestDirectory()
    let clock = TestClock()

    /// Two stores on one database, as two processes would have, and the database.
    private func twoStores(_ kind: StoreKind) throws -> (any RunStore, any RunStore, TestDatabase) {
        let db = try TestDatabase(kind, in: directory)
        return (try db.open(clock: clock), try db.open(clock: clock), db)
    }

    /// An owner on this host whose pid belongs to a live process (this one), with its own token.
    private func liveOther() -> LeaseOwner {
        LeaseOwner(pid: getpid(), host: LeaseOwner.currentHost(), token: "other-\(UUID().uuidString)")
    }

    private func holder(_ result: LeaseResult) -> LeaseHolder? {
        if case let .heldBy(holder) = result { return holder }
        return nil
    }

    @Test(arguments: StoreKind.allCases) func oneLiveLeasePerJobAndPerRun(_ kind: StoreKind) throws {
        let (a, b, db) = try twoStores(kind)
        defer {
            try? a.close()
            try? b.close()
        }
        let me = LeaseOwner.current()
        let other = liveOther()
        #expect(try a.acquireLease(jobName: "job", runID: "r1", owner: me, ttlSeconds: 30) == .acquired(takenOver: []))
        // Re-acquiring one's own lease refreshes it.
        #expect(try a.acquireLease(jobName: "job", runID: "r1", owner: me, ttlSeconds: 30) == .acquired(takenOver: []))

        // Same job, another run: refused by the job lease.
        let blockedByJob = try #require(
            holder(try b.acquireLease(jobName: "job", runID: "r2", owner: other, ttlSeconds: 30)))
        #expect(blockedByJob.scope == .job)
        #expect(blockedByJob.runID == "r1")
        #expect(blockedByJob.pid == me.pid)
        #expect(blockedByJob.host == me.host)
        #expect(db.same(blockedByJob.heartbeatAt, clock.now))
        #expect(blockedByJob.description.contains("pid \(me.pid) on host \(me.host) (run r1"))

        // Same run under another job name: refused by the run lease.
        let blockedByRun = try #require(
            holder(try b.acquireLease(jobName: "job2", runID: "r1", owner: other, ttlSeconds: 30)))
        #expect(blockedByRun.scope == .run)
        // The refused attempt left nothing behind.
        #expect(try a.renewLease(jobName: "job", runID: "r1", owner: me))

        // Another job and run are independent.
        #expect(
            try b.acquireLease(jobName: "job2", runID: "r2", owner: other, ttlSeconds: 30) == .acquired(takenOver: []))

        // After release the other process gets it.
        try a.releaseLease(jobName: "job", runID: "r1", owner: me)
        #expect(try a.renewLease(jobName: "job", runID: "r1", owner: me) == false)
        #expect(
            try b.acquireLease(jobName: "job", runID: "r1", owner: other, ttlSeconds: 30) == .acquired(takenOver: []))
    }

    @Test(arguments: StoreKind.allCases) func aLeaseWithAnExpiredHeartbeatIsTakenOver(_ kind: StoreKind) throws {
        let (a, b, db) = try twoStores(kind)
        defer {
            try? a.close()
            try? b.close()
        }
        let me = LeaseOwner.current()
        let other = liveOther()
        _ = try a.acquireLease(jobName: "job", runID: "r1", owner: me, ttlSeconds: 30)
        clock.advance(20)
        #expect(try a.renewLease(jobName: "job", runID: "r1", owner: me))
        clock.advance(25)  // 25 s since the last heartbeat: still live
        #expect(holder(try b.acquireLease(jobName: "job", runID: "r1", owner: other, ttlSeconds: 30)) != nil)
        clock.advance(10)  // 35 s: stale
        guard
            case let .acquired(takenOver) = try b.acquireLease(
                jobName: "job", runID: "r1", owner: other, ttlSeconds: 30)
        else {
            Issue.record("expected a takeover")
            return
        }
        #expect(takenOver.map(\.scope) == [.job, .run])
        #expect(takenOver.allSatisfy { $0.pid == me.pid })
        // The old owner learns it lost the lease at its next heartbeat and cannot release the new one.
        #expect(try a.renewLease(jobName: "job", runID: "r1", owner: me) == false)
        try a.releaseLease(jobName: "job", runID: "r1", owner: me)
        #expect(try b.renewLease(jobName: "job", runID: "r1", owner: other))
    }

    @Test(arguments: StoreKind.allCases) func aLeaseOfADeadProcessOnThisHostIsTakenOverAtOnce(_ kind: StoreKind) throws
    {
        let (a, b, db) = try twoStores(kind)
        defer {
            try? a.close()
            try? b.close()
        }
        // A real child that has exited and been reaped: its pid names no process.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let deadPID = finished.processIdentifier
        #expect(LeaseOwner.isDead(pid: deadPID))

        let dead = LeaseOwner(pid: deadPID, host: LeaseOwner.currentHost(), token: "dead")
        _ = try a.acquireLease(jobName: "job", runID: "r1", owner: dead, ttlSeconds: 3600)
        let me = LeaseOwner.current()
        guard
            case let .acquired(takenOver) = try b.acquireLease(jobName: "job", runID: "r1", owner: me, ttlSeconds: 3600)
        else {
            Issue.record("expected a takeover of the dead process's lease")
            return
        }
        #expect(takenOver.map(\.pid) == [deadPID, deadPID])
    }

    @Test(arguments: StoreKind.allCases) func aLeaseOfALiveChildProcessHolds(_ kind: StoreKind) throws {
        let (a, b, db) = try twoStores(kind)
        defer {
            try? a.close()
            try? b.close()
        }
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer {
            // SIGKILL: a SIGTERM may be ignored, since an ignored disposition is inherited across exec.
            if sleeper.isRunning { kill(sleeper.processIdentifier, SIGKILL) }
            sleeper.waitUntilExit()
        }
        let child = LeaseOwner(pid: sleeper.processIdentifier, host: LeaseOwner.currentHost(), token: "child")
        #expect(!LeaseOwner.isDead(pid: child.pid))
        _ = try a.acquireLease(jobName: "job", runID: "r1", owner: child, ttlSeconds: 3600)
        let held = try #require(
            holder(try b.acquireLease(jobName: "job", runID: "r1", owner: .current(), ttlSeconds: 3600)))
        #expect(held.pid == child.pid)

        // A dead pid on ANOTHER host proves nothing: the lease holds until its heartbeat expires.
        let remote = LeaseOwner(pid: child.pid, host: "some-other-host", token: "remote")
        _ = try a.acquireLease(jobName: "job3", runID: "r3", owner: remote, ttlSeconds: 3600)
        kill(sleeper.processIdentifier, SIGKILL)
        sleeper.waitUntilExit()
        #expect(LeaseOwner.isDead(pid: child.pid))
        #expect(holder(try b.acquireLease(jobName: "job3", runID: "r3", owner: .current(), ttlSeconds: 3600)) != nil)
        // …while the same dead pid on this host is taken over.
        let takeover = try b.acquireLease(jobName: "job", runID: "r1", owner: .current(), ttlSeconds: 3600)
        guard case let .acquired(takenOver) = takeover else {
            Issue.record("expected a takeover, got \(takeover)")
            return
        }
        #expect(takenOver.map(\.scope) == [.job, .run])
        #expect(takenOver.allSatisfy { $0.pid == held.pid && $0.host == held.host && $0.runID == "r1" })
        // SQLite reads the dates as stored; PostgreSQL as ages measured by the server, so they match within a second.
        #expect(zip(takenOver, [held, held.withScope(.run)]).allSatisfy { db.same($0.heartbeatAt, $1.heartbeatAt) })
    }
}

extension LeaseHolder {
    /// The same holder's lease on its run.
    fileprivate func withScope(_ scope: Scope) -> LeaseHolder {
        var copy = self
        copy.scope = scope
        copy.name = scope == .run ? runID : name
        return copy
    }
}
