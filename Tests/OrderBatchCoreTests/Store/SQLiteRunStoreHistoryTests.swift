import Foundation
import OrderBatchCore
import Testing

/// The history queries on a real SQLite file, against a run whose every attempt the test wrote: 10 rows,
/// a preflight each (10…100 ms), an update each (1…10 ms); row 9's update answered 429 and was sent again
/// (100 ms), row 10's answered 503 SERVER_ERROR for good.
@Suite struct SQLiteRunStoreHistoryTests {
    let directory = StoreTestDirectory()
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    private func makeStore() throws -> SQLiteRunStore {
        let clock = TestClock(Self.t0 + 50)
        let store = try SQLiteRunStore(path: directory.path(), clock: clock.function)
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", StoreFixtures.items(1...10))
        _ = try store.claimPending(runID: "r", limit: 10)
        var results: [ItemResult] = []
        for seq in Int64(1)...10 {
            var log = [
                AttemptRecord(
                    attempt: 0, phase: .preflight, startedAt: Self.t0 + Double(seq), latencyMilliseconds: Double(seq * 10),
                    result: .succeeded)
            ]
            let sentAt = Self.t0 + 20 + Double(seq)
            var state = ItemState.succeeded
            switch seq {
            case 9:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: sentAt, latencyMilliseconds: 9, httpStatus: 429,
                        message: "slow down", result: .retryable))
                log.append(
                    AttemptRecord(
                        attempt: 2, phase: .send, startedAt: Self.t0 + 40, latencyMilliseconds: 100, httpStatus: 200,
                        result: .succeeded))
            case 10:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: sentAt, latencyMilliseconds: 10, httpStatus: 503,
                        errorCode: "SERVER_ERROR", message: "<b>down</b>", result: .permanent))
                state = .failed
            default:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: sentAt, latencyMilliseconds: Double(seq), httpStatus: 200,
                        result: .succeeded))
            }
            results.append(
                ItemResult(runID: "r", seq: seq, generation: 1, state: state, attempts: log.count - 1, log: log))
        }
        try store.record(results)
        return store
    }

    @Test func requestStatisticsArePerPhaseNearestRankPercentiles() throws {
        let store = try makeStore()
        defer { try? store.close() }
        let stats = try store.requestStatistics(runID: "r", since: nil, topErrors: 5)
        #expect(stats.requests == 21)
        #expect(stats.phases[.preflight] == PhaseStatistics(
            requests: 10, latency: LatencyPercentiles(p50: 50, p90: 90, p99: 100, max: 100)))
        // Updates: 1…10 ms and 100 ms, 11 values: ranks 6, 10 and 11.
        #expect(stats.phases[.send] == PhaseStatistics(
            requests: 11, latency: LatencyPercentiles(p50: 6, p90: 10, p99: 100, max: 100)))
        #expect(stats.phases[.reconcile] == nil)
        #expect(stats.topErrors == [ErrorCount(code: "HTTP 429", count: 1), ErrorCount(code: "SERVER_ERROR", count: 1)])
        #expect(stats.errors == 2)
        #expect(stats.rateLimited == 1)
        #expect(stats.firstStartedAt == Self.t0 + 1)
        #expect(abs((stats.lastEndedAt ?? .distantPast).timeIntervalSince(Self.t0 + 40.1)) < 1e-6)
    }

    @Test func sinceKeepsTheLaterAttemptsAndTopErrorsCutsTheList() throws {
        let store = try makeStore()
        defer { try? store.close() }
        let stats = try store.requestStatistics(runID: "r", since: Self.t0 + 30, topErrors: 1)
        #expect(stats.requests == 2)
        #expect(stats.requests(.preflight) == 0)
        #expect(stats.topErrors == [ErrorCount(code: "SERVER_ERROR", count: 1)])
        #expect(stats.rateLimited == 0)
        let none = try store.requestStatistics(runID: "other", since: nil, topErrors: 5)
        #expect(none == RequestStatistics())
    }

    @Test func theAttemptsLogComesInTimeOrderAndByOrder() throws {
        let store = try makeStore()
        defer { try? store.close() }
        var lines: [AttemptLogLine] = []
        try store.forEachAttempt(runID: "r", orderID: nil) { lines.append($0) }
        #expect(lines.count == 21)
        #expect(lines.map(\.record.startedAt) == lines.map(\.record.startedAt).sorted())
        #expect(lines.prefix(10).allSatisfy { $0.record.phase == .preflight })
        var nine: [AttemptLogLine] = []
        try store.forEachAttempt(runID: "r", orderID: "ORD9") { nine.append($0) }
        #expect(nine.map(\.record.phase) == [.preflight, .send, .send])
        #expect(nine.map(\.record.httpStatus) == [nil, 429, 200])
        #expect(nine.allSatisfy { $0.orderID == "ORD9" && $0.seq == 9 && $0.generation == 1 })
    }

    @Test func theTimelineIsAggregatedIntoBuckets() throws {
        let store = try makeStore()
        defer { try? store.close() }
        let timeline = try store.timeline(runID: "r", origin: Self.t0, bucketSeconds: 10)
        #expect(timeline.requests.map(\.bucket) == [0, 1, 2, 3, 4])
        #expect(timeline.requests.map(\.requests) == [9, 1, 9, 1, 1])
        #expect(timeline.requests.map(\.rateLimited) == [0, 0, 1, 0, 0])
        #expect(timeline.requests.map(\.retries) == [0, 0, 0, 0, 1])
        #expect(timeline.requests[0].latency == LatencyPercentiles(p50: 50, p90: 90, p99: 90, max: 90))
        #expect(timeline.requests[4].latency == LatencyPercentiles(p50: 100, p90: 100, p99: 100, max: 100))
        #expect(
            timeline.errors == [
                RunTimeline.Errors(bucket: 2, code: "HTTP 429", count: 1),
                RunTimeline.Errors(bucket: 3, code: "SERVER_ERROR", count: 1),
            ])
        #expect(
            timeline.finished == [
                RunTimeline.Finished(bucket: 5, state: .failed, count: 1),
                RunTimeline.Finished(bucket: 5, state: .succeeded, count: 9),
            ])
        #expect(timeline.bucketCount == 6)
    }
}
