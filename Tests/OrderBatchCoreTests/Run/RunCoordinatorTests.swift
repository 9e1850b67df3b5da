import Foundation
import OrderBatchCore
import Testing

/// Every ending of `run`, `resume` and `retry` through ``RunCoordinator``, with a real SQLite store in a temp
/// folder and a fake Juspay, and the exit status each one chooses.
@Suite struct RunCoordinatorTests {
    /// The ``RunError`` `body` throws.
    private func runError(_ body: () async throws -> Void) async -> RunError? {
        do {
            try await body()
        } catch let error as RunError {
            return error
        } catch {
            Issue.record("expected a RunError, got \(error)")
        }
        return nil
    }

    private func summary(_ outcome: RunOutcome) -> RunSummary? {
        guard case .executed(let summary) = outcome else { return nil }
        return summary
    }

    // MARK: - run

    @Test func everyRowSucceededExitsZero() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1", "ORD2", "ORD3"])
        let outcome = try await f.coordinator(FakeJuspayTransport()).run(f.request(input, runID: "r1"))
        let s = try #require(summary(outcome))
        #expect(outcome.status == .success)
        #expect(s.counts.succeeded == 3)
        #expect(try f.storedRun("r1").run.state == .finished)
    }

    @Test func someRowsFailedExitsOne() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1", "ORD2", "ORD3"])
        let outcome = try await f.coordinator(FakeJuspayTransport(refusing: ["ORD2"])).run(
            f.request(input, runID: "r1"))
        let s = try #require(summary(outcome))
        #expect(outcome.status == .rowsFailed)
        #expect(s.counts.failed == 1 && s.counts.succeeded == 2)
        #expect(try f.storedRun("r1").run.state == .finished)
    }

    @Test func invalidInputExitsTwoAndRecordsNothing() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1", "ORD2"], amounts: ["10", "-5"])
        let transport = FakeJuspayTransport()
        let error = await runError { _ = try await f.coordinator(transport).run(f.request(input, runID: "r1")) }
        #expect(error?.status == .invalidInput)
        #expect(error?.message.contains("1 of 2 rows are invalid; nothing was sent") == true)
        #expect(!FileManager.default.fileExists(atPath: f.db))
        #expect(transport.requests == 0)
    }

    @Test func dryRunStopsAfterValidation() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1"])
        let outcome = try await f.coordinator(FakeJuspayTransport()).run(f.request(input, runID: "r1", dryRun: true))
        guard case .dryRun(let plan) = outcome else {
            Issue.record("not a dry run: \(outcome)")
            return
        }
        #expect(plan.report.rows == 1)
        #expect(!FileManager.default.fileExists(atPath: f.db))
    }

    @Test func deadlineStopsTheRunWithExitThree() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...8).map { "ORD\($0)" })
        let transport = FakeJuspayTransport(delay: 0.2)
        let outcome = try await f.coordinator(transport).run(
            f.request(input, runID: "r1", overrides: RunOverrides(deadline: "100ms")))
        let s = try #require(summary(outcome))
        #expect(outcome.status == .stoppedEarly)
        #expect(s.result.stopReason == .deadline)
        #expect(try f.storedRun("r1").run.state == .stopped)
    }

    @Test func signalWhileSendingStopsTheRunWithExitThree() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...6).map { "ORD\($0)" })
        let observer = RecordingRunObserver(signalWhenExecuting: true)
        // Slow answers: the driver polls the flag between them.
        let transport = FakeJuspayTransport(delay: 0.3)
        let outcome = try await f.coordinator(transport, observer: observer).run(f.request(input, runID: "r1"))
        let s = try #require(summary(outcome))
        #expect(outcome.status == .stoppedEarly)
        #expect(s.result.stopReason == .signal)
        #expect(s.counts.remaining > 0)
        #expect(observer.phases.last == .finishing(.stoppedEarly))
        #expect(try f.storedRun("r1").run.state == .stopped)
    }

    @Test func breakerStopsTheRunWithExitThree() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...6).map { "ORD\($0)" })
        let outcome = try await f.coordinator(FakeJuspayTransport(.unavailable)).run(f.request(input, runID: "r1"))
        let s = try #require(summary(outcome))
        #expect(outcome.status == .stoppedEarly)
        guard case .circuitBreaker(consecutiveFailures: 3, _)? = s.result.stopReason else {
            Issue.record("stopped by \(String(describing: s.result.stopReason))")
            return
        }
        #expect(try f.storedRun("r1").run.state == .stopped)
    }

    @Test func rerunOfAStoppedRunIsRefusedWithExitThree() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...6).map { "ORD\($0)" })
        let transport = FakeJuspayTransport(.unavailable)
        _ = try await f.coordinator(transport).run(f.request(input, runID: "r1"))
        transport.set(.answer)
        let error = await runError { _ = try await f.coordinator(transport).run(f.request(input, runID: "r2")) }
        #expect(error?.status == .stoppedEarly)
        #expect(
            error?.message.contains(
                "which is stopped with rows left; nothing was sent. Continue it: orderbatch resume r1") == true)
        #expect(try f.coordinatorStore().run(id: "r2") == nil)
    }

    @Test func rerunOfAFinishedRunSendsNothingAndExitsZero() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1", "ORD2"])
        let transport = FakeJuspayTransport()
        _ = try await f.coordinator(transport).run(f.request(input, runID: "r1"))
        let sent = transport.requests
        let observer = RecordingRunObserver()
        let outcome = try await f.coordinator(transport, observer: observer).run(f.request(input, runID: "r2"))
        guard case .alreadyFinished = outcome else {
            Issue.record("ran again: \(outcome)")
            return
        }
        #expect(outcome.status == .success)
        #expect(observer.notes.contains { $0.contains("as run r1, which finished; nothing was sent") })
        #expect(transport.requests == sent)
    }

    @Test func anUnfinishedOlderRunIsRefusedWithExitThree() async throws {
        let f = try RunCoordinatorFixture()
        let first = try f.input("a.csv", orders: (1...6).map { "ORD\($0)" })
        let second = try f.input("b.csv", orders: ["ORD9"])
        let transport = FakeJuspayTransport(.unavailable)
        _ = try await f.coordinator(transport).run(f.request(first, runID: "r1"))
        transport.set(.answer)
        let error = await runError { _ = try await f.coordinator(transport).run(f.request(second, runID: "r2")) }
        #expect(error?.status == .stoppedEarly)
        #expect(error?.message.contains("has an unfinished run r1") == true)
        #expect(error?.message.contains("--supersede") == true)
    }

    @Test func aLeaseHeldByAnotherProcessExitsSeventyFive() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1"])
        let store = try SQLiteRunStore(path: f.db)
        let other = LeaseOwner(pid: getpid(), host: LeaseOwner.currentHost(), token: "another-process")
        _ = try store.acquireLease(jobName: f.job.name, runID: "elsewhere", owner: other, ttlSeconds: 60)
        let error = await runError {
            _ = try await f.coordinator(FakeJuspayTransport()).run(f.request(input, runID: "r1"))
        }
        #expect(error?.status == .busy)
        #expect(error?.message.contains("is already being executed by") == true)
    }

    // MARK: - resume and retry

    @Test func resumeFinishesAStoppedRun() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...6).map { "ORD\($0)" })
        let transport = FakeJuspayTransport(.unavailable)
        _ = try await f.coordinator(transport).run(f.request(input, runID: "r1"))
        transport.set(.answer)
        let outcome = try await f.coordinator(transport).resume(f.storedRun("r1"))
        #expect(outcome.status == .success)
        #expect(try f.storedRun("r1").run.state == .finished)
    }

    @Test func retrySendsTheFailedRowsAgain() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1", "ORD2"])
        _ = try await f.coordinator(FakeJuspayTransport(refusing: ["ORD2"])).run(f.request(input, runID: "r1"))
        let observer = RecordingRunObserver()
        let outcome = try await f.coordinator(FakeJuspayTransport(), observer: observer)
            .retry(f.storedRun("r1"), includeSkipped: false)
        #expect(outcome.status == .success)
        #expect(observer.notes.contains("orderbatch: run r1: 1 rows to send again"))
    }

    @Test func resumeAndRetryOfACanceledRunExitTwo() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: (1...6).map { "ORD\($0)" })
        let transport = FakeJuspayTransport(.unavailable)
        _ = try await f.coordinator(transport).run(f.request(input, runID: "r1"))
        _ = try f.coordinatorStore().cancelRun(id: "r1", reason: "by orderbatch cancel")
        transport.set(.answer)
        let sent = transport.requests
        let resumed = await runError { _ = try await f.coordinator(transport).resume(f.storedRun("r1")) }
        #expect(resumed?.status == .invalidInput)
        #expect(
            resumed?.message.contains("was canceled (by orderbatch cancel) and sends nothing more; nothing to resume")
                == true)
        let retried = await runError {
            _ = try await f.coordinator(transport).retry(f.storedRun("r1"), includeSkipped: true)
        }
        #expect(retried?.status == .invalidInput)
        #expect(retried?.message.contains("nothing to retry") == true)
        #expect(transport.requests == sent)
    }
}

extension RunCoordinatorFixture {
    /// The state database, opened on its own.
    func coordinatorStore() throws -> SQLiteRunStore { try SQLiteRunStore(path: db) }
}
