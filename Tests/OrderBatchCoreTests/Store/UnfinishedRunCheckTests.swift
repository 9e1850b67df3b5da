import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// Which older runs of a job block a new run, what `run` decides about them, and closing one (`cancelRun`).
@Suite struct UnfinishedRunCheckTests {
    let directory = StoreTestDirectory()

    /// A store holding a run of `reprice` in every state, plus a run of another job.
    private func store(_ kind: StoreKind) throws -> any RunStore {
        let store = try TestDatabase(kind, in: directory).open()
        var time = Date(timeIntervalSince1970: 1_750_000_000)
        func add(_ id: String, job: String = "reprice", _ state: RunState, rows: Int64, claim: Int = 0) throws {
            time += 1
            try store.createRun(StoreFixtures.newRun(id: id, jobName: job, sha: id, createdAt: time))
            if rows > 0 { try store.insertItems(runID: id, StoreFixtures.items(1...rows)) }
            if claim > 0 { _ = try store.claimPending(runID: id, limit: claim) }
            if state != .ingesting {
                try store.setRunState(id: id, state, reason: state == .stopped ? "deadline" : nil)
            }
        }
        try add("ingesting-empty", .ingesting, rows: 0)
        try add("ready", .ready, rows: 3)
        try add("crashed", .running, rows: 4, claim: 2)
        try add("stopped", .stopped, rows: 5, claim: 1)
        try add("stopped-done", .stopped, rows: 0)
        try add("finished", .finished, rows: 2)
        try add("failed-ingest", .failedIngest, rows: 2)
        try add("canceled", .canceled, rows: 2)
        try add("other-job", job: "migrate", .stopped, rows: 2)
        return store
    }

    @Test(arguments: StoreKind.allCases) func blockersAreTheOpenRunsOfTheJobThatCouldStillSendNewestFirst(
        _ kind: StoreKind
    ) throws {
        let store = try store(kind)
        defer { try? store.close() }
        let blockers = try UnfinishedRunCheck.blockers(in: store, jobName: "reprice", excluding: "new")
        #expect(blockers.map(\.run.id) == ["stopped", "crashed", "ready", "ingesting-empty"])
        #expect(
            try UnfinishedRunCheck.blockers(in: store, jobName: "reprice", excluding: "stopped").map(\.run.id)
                == ["crashed", "ready", "ingesting-empty"])
        #expect(
            try UnfinishedRunCheck.blockers(in: store, jobName: "migrate", excluding: "new").map(\.run.id) == [
                "other-job"
            ])
        #expect(try UnfinishedRunCheck.blockers(in: store, jobName: "nightly", excluding: "new").isEmpty)

        #expect(
            blockers.map(\.summary) == [
                "stopped (deadline), 5 of 5 rows left: 4 pending, 1 in flight",
                "running with no live process (killed or crashed), 4 of 4 rows left: 2 pending, 2 in flight",
                "ready, never started, 3 of 3 rows left: 3 pending",
                "interrupted while recording its input, 0 rows recorded, nothing sent",
            ])
    }

    @Test(arguments: StoreKind.allCases) func theDecisionFollowsThePolicy(_ kind: StoreKind) throws {
        let store = try store(kind)
        defer { try? store.close() }
        let blockers = try UnfinishedRunCheck.blockers(in: store, jobName: "reprice", excluding: "new")
        #expect(UnfinishedRunCheck.decide(blockers, policy: .refuse) == .refuse(blockers))
        #expect(UnfinishedRunCheck.decide(blockers, policy: .supersede) == .supersede(blockers))
        #expect(UnfinishedRunCheck.decide([], policy: .refuse) == .proceed)
        #expect(UnfinishedRunCheck.decide([], policy: .supersede) == .proceed)
        #expect(UnfinishedRunCheck.supersededReason(by: "n1") == "superseded by run n1")
    }

    @Test(arguments: StoreKind.allCases) func cancelingClosesTheRunAndTurnsRowsLeftInFlightIntoUnknown(
        _ kind: StoreKind
    ) throws {
        let store = try store(kind)
        defer { try? store.close() }
        let counts = try store.cancelRun(id: "crashed", reason: "superseded by run new")
        #expect(counts.total == 4 && counts.pending == 2 && counts.unknown == 2 && counts.inFlight == 0)
        let run = try #require(try store.run(id: "crashed"))
        #expect(run.state == .canceled && run.stateReason == "superseded by run new")
        #expect(run.finishedAt != nil)
        #expect(
            try store.openRuns(jobName: "reprice").map(\.id) == ["stopped-done", "stopped", "ready", "ingesting-empty"])
        #expect(try store.claimPending(runID: "stopped", limit: 1).count == 1)  // other runs untouched

        for closed in ["finished", "failed-ingest", "crashed"] {
            #expect(throws: RunStoreError.self) { _ = try store.cancelRun(id: closed, reason: "x") }
        }
        #expect(throws: RunStoreError.unknownRun("nope")) { _ = try store.cancelRun(id: "nope", reason: "x") }
        #expect(
            RunStoreError.notOpen(runID: "f", state: .finished).description
                == "run f is finished; only a run that may still send (ingesting, ready, running, stopped) can be canceled"
        )
    }

    @Test func onlyIngestingReadyRunningAndStoppedAreOpen() {
        #expect(RunState.allCases.filter(\.isOpen) == [.ingesting, .ready, .running, .stopped])
        #expect(RunState.allCases.filter(\.isClosed) == [.failedIngest, .canceled])
        #expect(RunState(rawValue: "canceled") == .canceled)
    }
}
