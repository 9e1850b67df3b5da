import Foundation
import OrderBatchCore
import OrderBatchTestSupport
import Testing

/// The history queries on each store, against ``HistoryFixture``'s run.
@Suite struct RunStoreHistoryTests {
    let directory = StoreTestDirectory()
    static let t0 = HistoryFixture.t0

    private func makeStore(_ kind: StoreKind) throws -> any RunHistoryStore {
        try HistoryFixture.makeStore(kind, in: directory)
    }

    @Test(arguments: StoreKind.allCases) func requestStatisticsArePerPhaseNearestRankPercentiles(
        _ kind: StoreKind
    ) throws {
        let store = try makeStore(kind)
        defer { try? store.close() }
        let stats = try store.requestStatistics(runID: "r", since: nil, topErrors: 5)
        #expect(stats.requests == 21)
        #expect(
            stats.phases[.preflight]
                == PhaseStatistics(
                    requests: 10, latency: LatencyPercentiles(p50: 50, p90: 90, p99: 100, max: 100)))
        // Updates: 1…10 ms and 100 ms, 11 values: ranks 6, 10 and 11.
        #expect(
            stats.phases[.send]
                == PhaseStatistics(
                    requests: 11, latency: LatencyPercentiles(p50: 6, p90: 10, p99: 100, max: 100)))
        #expect(stats.phases[.reconcile] == nil)
        #expect(
            stats.topErrors == [ErrorCount(code: "HTTP 429", count: 1), ErrorCount(code: "SERVER_ERROR", count: 1)])
        #expect(stats.errors == 2)
        #expect(stats.rateLimited == 1)
        #expect(stats.firstStartedAt == Self.t0 + 1)
        #expect(abs((stats.lastEndedAt ?? .distantPast).timeIntervalSince(Self.t0 + 40.1)) < 1e-6)
    }

    @Test(arguments: StoreKind.allCases) func sinceKeepsTheLaterAttemptsAndTopErrorsCutsTheList(
        _ kind: StoreKind
    ) throws {
        let store = try makeStore(kind)
        defer { try? store.close() }
        let stats = try store.requestStatistics(runID: "r", since: Self.t0 + 30, topErrors: 1)
        #expect(stats.requests == 2)
        #expect(stats.requests(.preflight) == 0)
        #expect(stats.topErrors == [ErrorCount(code: "SERVER_ERROR", count: 1)])
        #expect(stats.rateLimited == 0)
        let none = try store.requestStatistics(runID: "other", since: nil, topErrors: 5)
        #expect(none == RequestStatistics())
    }

    @Test(arguments: StoreKind.allCases) func theAttemptsLogComesInTimeOrderAndByOrder(_ kind: StoreKind) throws {
        let store = try makeStore(kind)
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

    @Test(arguments: StoreKind.allCases) func theTimelineIsAggregatedIntoBuckets(_ kind: StoreKind) throws {
        let store = try makeStore(kind)
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

    /// 1,000 latencies from 0.5 to 500 ms: the percentiles read from the 1 % bins are the exact ones or at
    /// most 1 % above.
    @Test(arguments: StoreKind.allCases) func percentilesFromBinsAreWithinOnePercent(_ kind: StoreKind) throws {
        let opened = try TestDatabase(kind, in: directory, name: "bins.sqlite").open()
        let store = try #require(opened as? any RunHistoryStore)
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "b"))
        try store.insertItems(runID: "b", StoreFixtures.items(1...1000))
        _ = try store.claimPending(runID: "b", limit: 1000)
        try store.record(
            (Int64(1)...1000).map { seq in
                ItemResult(
                    runID: "b", seq: seq, generation: 1, state: .succeeded, attempts: 1,
                    log: [
                        AttemptRecord(
                            attempt: 1, phase: .send, startedAt: Self.t0, latencyMilliseconds: Double(seq) / 2,
                            httpStatus: 200, result: .succeeded)
                    ])
            })
        let latency = try #require(
            try store.requestStatistics(runID: "b", since: nil, topErrors: 0).phases[.send]?.latency)
        for (value, exact) in [(latency.p50, 250.0), (latency.p90, 450), (latency.p99, 495)] {
            #expect(value >= exact && value <= exact * 1.01, "\(value) for \(exact)")
        }
        #expect(latency.max == 500)
    }
}
