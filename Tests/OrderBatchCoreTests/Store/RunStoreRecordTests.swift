import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// What `record` writes for a group of results, against each store: every text and NULL as given (the
/// PostgreSQL store sends a group's columns as arrays), and a row named twice in one group.
@Suite struct RunStoreRecordTests {
    let directory = StoreTestDirectory()

    /// A store with run `r` holding rows `1...count`, all claimed.
    private func claimed(_ kind: StoreKind, rows count: Int64) throws -> (any RunStore, [ClaimedItem]) {
        let store = try TestDatabase(kind, in: directory).open()
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", StoreFixtures.items(1...count))
        return (store, try store.claimPending(runID: "r", limit: Int(count)))
    }

    /// One attempt of `item`, numbered `attempt`.
    private func attempt(
        _ attempt: Int, _ result: AttemptRecord.Result, message: String?, code: String?, status: Int?
    ) -> AttemptRecord {
        AttemptRecord(
            attempt: attempt, phase: .send, startedAt: Date(timeIntervalSince1970: 1_700_000_000.25),
            latencyMilliseconds: status == nil ? nil : 7.75, httpStatus: status, errorCode: code, message: message,
            result: result)
    }

    @Test(arguments: StoreKind.allCases) func recordKeepsEveryTextAndNullAsGiven(_ kind: StoreKind) throws {
        let (store, items) = try claimed(kind, rows: 6)
        defer { try? store.close() }
        let texts: [String?] = [#"say "hi", {ok}"#, #"back\slash \" end\"#, "NULL", "", nil, "ünïcödé, 🚀 {a,b}"]
        var results: [ItemResult] = []
        for (item, text) in zip(items, texts) {
            let answered = text != nil
            let log = [attempt(1, answered ? .permanent : .unknown, message: text, code: nil, status: nil)]
            results.append(
                ItemResult(
                    runID: "r", seq: item.seq, generation: item.generation, state: answered ? .failed : .unknown,
                    attempts: 1, httpStatus: answered ? 400 : nil, errorCode: answered ? #"E,"1""# : nil,
                    message: text, latencyMilliseconds: answered ? 7.75 : nil, log: log))
        }
        try store.record(results)
        var stored: [Int64: StoredItem] = [:]
        try store.forEachItem(runID: "r", states: nil) { stored[$0.seq] = $0 }
        for (item, text) in zip(items, texts) {
            let row = try #require(stored[item.seq])
            #expect(row.errorMessage == text)
            #expect(row.errorCode == (text == nil ? nil : #"E,"1""#))
            #expect(row.lastHTTPStatus == (text == nil ? nil : 400))
            #expect(row.latencyMilliseconds == (text == nil ? nil : 7.75))
            #expect(row.state == (text == nil ? .unknown : .failed))
            let log = try store.attempts(runID: "r", seq: item.seq)
            #expect(log.count == 1)
            #expect(log.first?.record.message == text)
            #expect(log.first?.record.errorCode == nil)
            #expect(log.first?.record.httpStatus == nil)
            #expect(log.first?.record.latencyMilliseconds == nil)
            #expect(log.first?.record.startedAt == Date(timeIntervalSince1970: 1_700_000_000.25))
        }
    }

    @Test(arguments: StoreKind.allCases) func aRowNamedTwiceInAGroupEndsWithItsLastResult(_ kind: StoreKind) throws {
        let (store, items) = try claimed(kind, rows: 2)
        defer { try? store.close() }
        let row = items[0]
        try store.record([
            ItemResult(
                runID: "r", seq: row.seq, generation: 1, state: .pending, attempts: 1, httpStatus: 503,
                log: [attempt(1, .retryable, message: "busy", code: "SERVICE_UNAVAILABLE", status: 503)]),
            ItemResult(
                runID: "r", seq: items[1].seq, generation: 1, state: .succeeded, attempts: 1, httpStatus: 200,
                log: [attempt(1, .succeeded, message: nil, code: nil, status: 200)]),
            ItemResult(
                runID: "r", seq: row.seq, generation: 1, state: .succeeded, attempts: 2, httpStatus: 200,
                log: [attempt(2, .succeeded, message: nil, code: nil, status: 200)]),
        ])
        #expect(try store.counts(runID: "r").succeeded == 2)
        let log = try store.attempts(runID: "r", seq: row.seq)
        #expect(log.map(\.record.attempt) == [1, 2])
        #expect(log.map(\.record.result) == [.retryable, .succeeded])
    }
}
