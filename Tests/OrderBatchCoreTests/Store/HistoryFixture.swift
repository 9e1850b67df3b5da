import Foundation
import OrderBatchCore
import OrderBatchTestSupport

/// A run whose every attempt the test wrote, for the history queries and the HTML report: 10 rows (order ids
/// `ORD1`…`ORD10`), a preflight each at t0+seq s (10…100 ms), an update each at t0+20+seq s (1…10 ms); row 9's
/// update answered 429 and was sent again at t0+40 s (100 ms), row 10's answered 503 SERVER_ERROR (message
/// `<b>down</b>`) for good. Every row's final state was written at t0+50 s.
enum HistoryFixture {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func makeStore(at path: String) throws -> SQLiteRunStore {
        let clock = TestClock(t0 + 50)
        let store = try SQLiteRunStore(path: path, clock: clock.function)
        try fill(store)
        return store
    }

    /// The run in a new database of `kind` (a file in `directory` for SQLite).
    static func makeStore(_ kind: StoreKind, in directory: StoreTestDirectory) throws -> any RunHistoryStore {
        let store = try TestDatabase(kind, in: directory).open(clock: TestClock(t0 + 50))
        guard let history = store as? any RunHistoryStore else {
            throw RunStoreError.corruptRow(runID: "r", seq: 0, detail: "the \(kind) store tells no history")
        }
        try fill(history)
        return history
    }

    /// Records the run's rows and attempts in `store`.
    private static func fill(_ store: any RunStore) throws {
        try store.createRun(StoreFixtures.newRun(id: "r", createdAt: t0))
        try store.insertItems(runID: "r", StoreFixtures.items(1...10))
        _ = try store.claimPending(runID: "r", limit: 10)
        var results: [ItemResult] = []
        for seq in Int64(1)...10 {
            var log = [
                AttemptRecord(
                    attempt: 0, phase: .preflight, startedAt: t0 + Double(seq), latencyMilliseconds: Double(seq * 10),
                    result: .succeeded)
            ]
            let sentAt = t0 + 20 + Double(seq)
            var state = ItemState.succeeded
            switch seq {
            case 9:
                log.append(
                    AttemptRecord(
                        attempt: 1, phase: .send, startedAt: sentAt, latencyMilliseconds: 9, httpStatus: 429,
                        message: "slow down", result: .retryable))
                log.append(
                    AttemptRecord(
                        attempt: 2, phase: .send, startedAt: t0 + 40, latencyMilliseconds: 100, httpStatus: 200,
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
            let failed = state == .failed
            results.append(
                ItemResult(
                    runID: "r", seq: seq, generation: 1, state: state, attempts: log.count - 1,
                    httpStatus: failed ? 503 : 200, errorCode: failed ? "SERVER_ERROR" : nil,
                    message: failed ? "<b>down</b>" : nil, log: log))
        }
        try store.record(results)
    }
}
