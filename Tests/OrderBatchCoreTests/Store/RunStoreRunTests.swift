import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// Runs: creating, reading, listing and moving them through their states, against each store.
@Suite struct RunStoreRunTests {
    let directory = StoreTestDirectory()

    @Test(arguments: StoreKind.allCases) func createsReadsAndListsRuns(_ kind: StoreKind) throws {
        let clock = TestClock()
        let db = try TestDatabase(kind, in: directory)
        let store = try db.open(clock: clock)
        defer { try? store.close() }
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        try store.createRun(StoreFixtures.newRun(id: "a", jobName: "j1", createdAt: base))
        try store.createRun(StoreFixtures.newRun(id: "b", jobName: "j2", createdAt: base + 10))
        try store.createRun(StoreFixtures.newRun(id: "c", jobName: "j1", createdAt: base + 20))

        let a = try #require(try store.run(id: "a"))
        #expect(a.state == .ingesting)
        #expect(a.jobText == "name: j1\nprovider: juspay\n")
        #expect(a.optionsJSON == #"{"concurrency":8}"#)
        #expect(a.createdAt == base)
        #expect(a.startedAt == nil)
        #expect(try store.run(id: "zzz") == nil)
        #expect(try store.recentRuns(limit: 2).map(\.id) == ["c", "b"])
        #expect(try store.latestRun(jobName: "j1")?.id == "c")
        #expect(try store.latestRun(jobName: "nope") == nil)
        #expect(throws: RunStoreError.duplicateRun("a")) { try store.createRun(StoreFixtures.newRun(id: "a")) }
    }

    @Test(arguments: StoreKind.allCases) func stateChangesRecordStartAndFinish(_ kind: StoreKind) throws {
        let clock = TestClock()
        let db = try TestDatabase(kind, in: directory)
        let store = try db.open(clock: clock)
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.setRunState(id: "r", .ready, reason: nil)
        clock.advance(5)
        let started = clock.now
        try store.setRunState(id: "r", .running, reason: nil)
        clock.advance(5)
        try store.setRunState(id: "r", .stopped, reason: "signal SIGTERM")
        var run = try #require(try store.run(id: "r"))
        #expect(run.state == .stopped)
        #expect(run.stateReason == "signal SIGTERM")
        #expect(db.same(run.startedAt, started))
        #expect(run.finishedAt == nil)
        clock.advance(5)
        try store.setRunState(id: "r", .running, reason: nil)  // resume keeps the first start
        clock.advance(5)
        try store.setRunState(id: "r", .finished, reason: nil)
        run = try #require(try store.run(id: "r"))
        #expect(run.state == .finished)
        #expect(run.stateReason == nil)
        #expect(db.same(run.startedAt, started))
        #expect(db.same(run.finishedAt, clock.now))
        #expect(db.same(run.updatedAt, clock.now))
        #expect(throws: RunStoreError.unknownRun("missing")) {
            try store.setRunState(id: "missing", .ready, reason: nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func previousRunFindsRunsThatMayHaveSentOfTheSameJobAndInput(
        _ kind: StoreKind
    ) throws {
        let store = try TestDatabase(kind, in: directory).open()
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "x1", jobName: "j", sha: "abc"))
        // Still ingesting (or interrupted while ingesting): `run` must see it.
        #expect(try store.previousRun(jobName: "j", inputSHA256: "abc")?.id == "x1")
        try store.setRunState(id: "x1", .failedIngest, reason: nil)
        #expect(try store.previousRun(jobName: "j", inputSHA256: "abc") == nil)  // nothing was sent
        try store.createRun(StoreFixtures.newRun(id: "x2", jobName: "j", sha: "abc"))
        try store.setRunState(id: "x2", .stopped, reason: "deadline")
        #expect(try store.previousRun(jobName: "j", inputSHA256: "abc")?.id == "x2")
        try store.setRunState(id: "x2", .finished, reason: nil)
        #expect(try store.previousRun(jobName: "j", inputSHA256: "abc")?.state == .finished)
        try store.createRun(StoreFixtures.newRun(id: "x3", jobName: "other", sha: "abc"))
        try store.setRunState(id: "x3", .finished, reason: nil)
        #expect(try store.previousRun(jobName: "j", inputSHA256: "abc")?.id == "x2")
        #expect(try store.previousRun(jobName: "j", inputSHA256: "def") == nil)
        #expect(try store.previousRun(jobName: "k", inputSHA256: "abc") == nil)
    }
}
