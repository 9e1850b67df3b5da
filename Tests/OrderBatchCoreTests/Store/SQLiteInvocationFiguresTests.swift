import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// The end of an invocation gives its figures and the whole run's without reading the attempts log back:
/// this store's own records plus the previous invocation's stored figures, equal to what the log says, and
/// read from the log once when a killed invocation broke the chain.
@Suite struct SQLiteInvocationFiguresTests {
    let directory = StoreTestDirectory()
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    /// One process's invocation on the file: records `rows` with a few attempts each (every phase, latencies
    /// with and without a value, 429s, retries, errors with and without a code), as `command`.
    private func invocation(
        _ command: InvocationCommand, number: Int, rows: ClosedRange<Int64>, path: String
    ) throws -> (SQLiteRunStore, Date) {
        let started = t0 + Double(number * 1000)
        let store = try SQLiteRunStore(path: path, clock: TestClock(started).function)
        if number == 0 {
            try store.createRun(StoreFixtures.newRun(id: "r", createdAt: t0))
            try store.insertItems(runID: "r", StoreFixtures.items(1...60))
        }
        try store.recordInvocation(
            InvocationRecord(runID: "r", command: command, startedAt: started, overrides: RunOverrides()))
        _ = try store.claimPending(runID: "r", limit: rows.count)
        var results: [ItemResult] = []
        for seq in rows {
            let k = Int(seq) * 7 + number
            let at = started + Double(seq) / 10
            var log = [
                AttemptRecord(
                    attempt: 0, phase: .preflight, startedAt: at, latencyMilliseconds: Double(k % 13) * 3.7,
                    httpStatus: 200, result: .succeeded)
            ]
            switch k % 5 {
            case 0:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: at + 1, latencyMilliseconds: Double(k) * 1.01,
                        httpStatus: 429, result: .retryable))
                log.append(
                    AttemptRecord(
                        attempt: 2, phase: .send, startedAt: at + 2, latencyMilliseconds: 40, httpStatus: 200,
                        result: .succeeded))
            case 1:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: at + 1, errorCode: "timed_out", result: .unknown))
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .reconcile, startedAt: at + 3, latencyMilliseconds: 12.5, httpStatus: 200,
                        result: .inEffect))
            case 2:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: at + 1, latencyMilliseconds: 8, httpStatus: 503,
                        result: .permanent))
            default:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: at + 1, latencyMilliseconds: Double(k % 50) + 0.25,
                        httpStatus: 200, result: .succeeded))
            }
            results.append(
                ItemResult(
                    runID: "r", seq: seq, generation: 1, state: k % 5 == 2 ? .failed : .succeeded,
                    attempts: log.count - 1, log: log))
        }
        try store.record(results)
        return (store, started)
    }

    /// Ends `store`'s invocation and checks its figures and the whole run's against the log.
    private func expectFiguresMatchTheLog(_ store: SQLiteRunStore, since: Date) throws {
        let (mine, whole) = try store.invocationFigures(runID: "r", since: since, wholeRun: true, topErrors: 5)
        #expect(mine == (try store.requestStatistics(runID: "r", since: since, topErrors: 5)))
        #expect(whole == (try store.requestStatistics(runID: "r", since: nil, topErrors: 5)))
        #expect(whole?.errors ?? 0 > 0 && mine.phases.count == 3)
    }

    @Test func theWholeRunsFiguresAreTheLogsWithoutReadingIt() throws {
        let path = directory.path()
        let (first, firstStart) = try invocation(.run, number: 0, rows: 1...12, path: path)
        try expectFiguresMatchTheLog(first, since: firstStart)
        try first.close()
        let (second, secondStart) = try invocation(.resume, number: 1, rows: 13...24, path: path)
        try expectFiguresMatchTheLog(second, since: secondStart)
        try second.close()
        // Killed: it recorded, but never reached its end.
        let (killed, _) = try invocation(.resume, number: 2, rows: 25...36, path: path)
        try killed.close()
        // The chain is broken: the next one reads the log once, and writes the figures again.
        let (fourth, fourthStart) = try invocation(.retry, number: 3, rows: 37...48, path: path)
        try expectFiguresMatchTheLog(fourth, since: fourthStart)
        try fourth.close()
        let (fifth, fifthStart) = try invocation(.resume, number: 4, rows: 49...60, path: path)
        try expectFiguresMatchTheLog(fifth, since: fifthStart)

        // And the fifth did not read the log: an attempt deleted behind its back is still counted.
        let before = try fifth.requestStatistics(runID: "r", since: nil, topErrors: 5)
        let shell = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000)
        try shell.execute("DELETE FROM attempts WHERE seq = 1 AND phase = 'preflight'")
        try shell.execute("UPDATE invocations SET run_figures = NULL WHERE id = (SELECT max(id) FROM invocations)")
        try shell.close()
        let (_, again) = try fifth.invocationFigures(runID: "r", since: fifthStart, wholeRun: true, topErrors: 5)
        #expect(again == before)
        #expect(again != (try fifth.requestStatistics(runID: "r", since: nil, topErrors: 5)))
        try fifth.close()
    }

    @Test func aResumeOfARunRecordedBeforeTheFiguresWereKeptReadsTheLog() throws {
        let path = directory.path()
        let (first, _) = try invocation(.run, number: 0, rows: 1...20, path: path)
        try first.close()  // as a release before this one left it: no figures
        let (second, since) = try invocation(.resume, number: 1, rows: 21...30, path: path)
        try expectFiguresMatchTheLog(second, since: since)
        let (_, notWanted) = try second.invocationFigures(runID: "r", since: since, wholeRun: false, topErrors: 5)
        #expect(notWanted == nil)
        try second.close()
    }
}
