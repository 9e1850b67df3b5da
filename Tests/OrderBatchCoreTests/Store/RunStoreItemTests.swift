import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// Ingest, claims, results, retry generations and reports, against each store.
@Suite struct RunStoreItemTests {
    let directory = StoreTestDirectory()

    /// A store with run `r` holding rows `1...count`, rows in `invalid` invalid.
    private func store(
        _ kind: StoreKind, rows count: Int64, invalid: Set<Int64> = [], clock: TestClock = TestClock()
    ) throws
        -> any RunStore
    {
        let store = try TestDatabase(kind, in: directory).open(clock: clock)
        try store.createRun(StoreFixtures.newRun(id: "r"))
        if count > 0 { try store.insertItems(runID: "r", StoreFixtures.items(1...count, invalid: invalid)) }
        return store
    }

    private func states(_ store: any RunStore) throws -> [Int64: ItemState] {
        var out: [Int64: ItemState] = [:]
        try store.forEachItem(runID: "r", states: nil) { out[$0.seq] = $0.state }
        return out
    }

    private func result(
        _ item: ClaimedItem, _ state: ItemState, status: Int? = 200, code: String? = nil, message: String? = nil,
        log: [AttemptRecord.Result] = [.succeeded]
    ) -> ItemResult {
        ItemResult(
            runID: item.runID, seq: item.seq, generation: item.generation, state: state,
            attempts: item.attempts + log.count, httpStatus: status, errorCode: code, message: message,
            latencyMilliseconds: 12.5,
            log: log.enumerated().map { offset, result in
                AttemptRecord(
                    attempt: item.attempts + offset + 1, phase: .send, startedAt: Date(timeIntervalSince1970: 100),
                    latencyMilliseconds: 12.5, httpStatus: status, errorCode: code, message: message, result: result)
            })
    }

    // MARK: - Ingest

    @Test(arguments: StoreKind.allCases) func discardItemsEmptiesARunStillIngestingAndNoOther(_ kind: StoreKind) throws
    {
        let store = try store(kind, rows: 30)
        defer { try? store.close() }
        #expect(try store.discardItems(runID: "r") == 30)
        #expect(try store.counts(runID: "r").total == 0)
        // Recorded again from the start, with the same seqs and keys.
        try store.insertItems(runID: "r", StoreFixtures.items(1...40))
        #expect(try store.counts(runID: "r").total == 40)
        try store.setRunState(id: "r", .ready, reason: nil)
        #expect(throws: RunStoreError.notIngesting(runID: "r", state: .ready)) { try store.discardItems(runID: "r") }
        #expect(try store.counts(runID: "r").total == 40)
        #expect(throws: RunStoreError.unknownRun("nope")) { try store.discardItems(runID: "nope") }
    }

    @Test(arguments: StoreKind.allCases) func ingestsOneHundredThousandRowsInBatchesAndCounts(_ kind: StoreKind) throws
    {
        let store = try TestDatabase(kind, in: directory).open()
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        var seq: Int64 = 1
        while seq <= 100_000 {
            let upper = min(seq + 9_999, 100_000)
            try store.insertItems(runID: "r", StoreFixtures.items(seq...upper, invalid: [seq]))
            seq = upper + 1
        }
        let counts = try store.counts(runID: "r")
        #expect(counts.total == 100_000)
        #expect(counts.invalid == 10)
        #expect(counts.pending == 99_990)
        #expect(counts.remaining == 99_990)
        // Speed is measured in bench/, not here.
    }

    @Test(arguments: StoreKind.allCases) func ingestStoresKeysAndValidationErrors(_ kind: StoreKind) throws {
        let store = try store(kind, rows: 3, invalid: [2])
        defer { try? store.close() }
        var items: [StoredItem] = []
        try store.forEachItem(runID: "r", states: nil) { items.append($0) }
        #expect(items.map(\.idempotencyKey) == ["ob-r-1-g1", nil, "ob-r-3-g1"])
        #expect(items[1].state == .invalid)
        #expect(items[1].validationError == "amount: not a number")
        #expect(items[1].orderID == nil)
        #expect(items[0].line == 2)
        #expect(items[0].inputJSON == #"{"order_id":"ORD1","amount":"1.00"}"#)
        #expect(items.allSatisfy { $0.generation == 1 && $0.attempts == 0 })
    }

    @Test(arguments: StoreKind.allCases) func aFailingBatchStoresNothing(_ kind: StoreKind) throws {
        let store = try store(kind, rows: 5)
        defer { try? store.close() }
        // Rows 6 and 7 are new, row 5 is a duplicate: the whole batch is refused.
        #expect(throws: (any Error).self) {
            try store.insertItems(runID: "r", Array(StoreFixtures.items(5...7).reversed()))
        }
        #expect(try store.counts(runID: "r").total == 5)
        // Rows of an unknown run break the foreign key.
        #expect(throws: (any Error).self) { try store.insertItems(runID: "ghost", StoreFixtures.items(1...1)) }
        let bad = NewItem(seq: 9, line: 9, orderID: "x", payload: "{}", inputJSON: "{}", state: .succeeded)
        #expect(throws: RunStoreError.invalidNewItemState(.succeeded)) { try store.insertItems(runID: "r", [bad]) }
    }

    // MARK: - Claim and record

    @Test(arguments: StoreKind.allCases) func claimMovesPendingRowsInSeqOrderAndRecordSettlesThem(
        _ kind: StoreKind
    ) throws {
        let store = try store(kind, rows: 10, invalid: [3])
        defer { try? store.close() }
        let first = try store.claimPending(runID: "r", limit: 4)
        #expect(first.map(\.seq) == [1, 2, 4, 5])
        #expect(first.allSatisfy { !$0.needsReconcile && $0.generation == 1 && $0.attempts == 0 })
        #expect(first[0].idempotencyKey == "ob-r-1-g1")
        #expect(
            first[0].outbound
                == OutboundItem(seq: 1, orderID: "ORD1", payload: #"{"amount":"1.00"}"#, idempotencyKey: "ob-r-1-g1"))
        var counts = try store.counts(runID: "r")
        #expect(counts.inFlight == 4)
        #expect(counts.pending == 5)

        try store.record([
            result(first[0], .succeeded),
            result(first[1], .failed, status: 400, code: "INVALID_REQUEST", message: "bad amount", log: [.permanent]),
            result(first[2], .unknown, status: nil, code: "timed_out", log: [.retryable, .unknown]),
            result(first[3], .pending, status: 503, code: "SERVICE_UNAVAILABLE", log: [.retryable]),
        ])
        counts = try store.counts(runID: "r")
        #expect(counts.succeeded == 1)
        #expect(counts.failed == 1)
        #expect(counts.unknown == 1)
        #expect(counts.pending == 6)
        #expect(counts.inFlight == 0)
        #expect(counts.invalid == 1)
        #expect(counts.total == 10)

        // Unknown rows come back first in seq order with needsReconcile; pending ones follow.
        let second = try store.claimPending(runID: "r", limit: 3)
        #expect(second.map(\.seq) == [4, 5, 6])
        #expect(second.map(\.needsReconcile) == [true, false, false])
        #expect(second[0].attempts == 2)
        #expect(second[0].idempotencyKey == "ob-r-4-g1")  // same key on every attempt of a generation

        var failed: [StoredItem] = []
        try store.forEachItem(runID: "r", states: [.failed]) { failed.append($0) }
        #expect(failed.count == 1)
        #expect(failed[0].seq == 2)
        #expect(failed[0].lastHTTPStatus == 400)
        #expect(failed[0].errorCode == "INVALID_REQUEST")
        #expect(failed[0].errorMessage == "bad amount")
        #expect(failed[0].attempts == 1)
        #expect(failed[0].latencyMilliseconds == 12.5)

        let log = try store.attempts(runID: "r", seq: 4)
        #expect(log.map(\.record.result) == [.retryable, .unknown])
        #expect(log.map(\.record.attempt) == [1, 2])
        #expect(log.allSatisfy { $0.generation == 1 && $0.record.phase == .send && $0.record.errorCode == "timed_out" })
    }

    @Test(arguments: StoreKind.allCases) func claimHonoursTheLimitAcrossUnknownAndPending(_ kind: StoreKind) throws {
        let store = try store(kind, rows: 6)
        defer { try? store.close() }
        let all = try store.claimPending(runID: "r", limit: 6)
        try store.record([result(all[4], .unknown, log: [.unknown]), result(all[5], .unknown, log: [.unknown])])
        try store.record(all[0..<4].map { result($0, .pending, log: []) })
        let claimed = try store.claimPending(runID: "r", limit: 3)
        #expect(claimed.map(\.seq) == [1, 2, 3])
        #expect(try store.counts(runID: "r").unknown == 2)
        #expect(try store.claimPending(runID: "r", limit: 0).isEmpty)
        #expect(try store.claimPending(runID: "r", limit: 10).map(\.seq) == [4, 5, 6])
        #expect(try store.claimPending(runID: "r", limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func recoverInterruptedTurnsInFlightIntoUnknown(_ kind: StoreKind) throws {
        let store = try store(kind, rows: 5)
        defer { try? store.close() }
        let claimed = try store.claimPending(runID: "r", limit: 3)
        try store.record([result(claimed[0], .succeeded)])
        // The process "dies" here with rows 2 and 3 in flight.
        #expect(try store.recoverInterrupted(runID: "r") == 2)
        #expect(try store.recoverInterrupted(runID: "r") == 0)
        let counts = try store.counts(runID: "r")
        #expect(counts.unknown == 2)
        #expect(counts.inFlight == 0)
        let resumed = try store.claimPending(runID: "r", limit: 10)
        #expect(resumed.map(\.seq) == [2, 3, 4, 5])
        #expect(resumed.map(\.needsReconcile) == [true, true, false, false])
        #expect(resumed[0].idempotencyKey == claimed[1].idempotencyKey)
    }

    @Test(arguments: StoreKind.allCases) func recordOfAThousandResultsIsOneTransaction(_ kind: StoreKind) throws {
        let store = try store(kind, rows: 1000)
        defer { try? store.close() }
        let claimed = try store.claimPending(runID: "r", limit: 1000)
        var results = claimed.map { result($0, .succeeded) }
        // The last result names a generation that does not exist: the whole group must be refused.
        results[999].generation = 2
        #expect(throws: RunStoreError.staleResult(runID: "r", seq: 1000, generation: 2)) { try store.record(results) }
        #expect(try store.counts(runID: "r").inFlight == 1000)
        #expect(try store.attempts(runID: "r", seq: 1).isEmpty)

        results[999].generation = 1
        let sqlite = store as? SQLiteRunStore
        let before = try sqlite?.withConnection { $0.totalChanges }
        try store.record(results)
        let after = try sqlite?.withConnection { $0.totalChanges }
        // 1000 updates; each row's one attempt, a first send that succeeded, stays on its row (schema 6).
        if let before, let after { #expect(after - before == 1000) }
        #expect(try store.attempts(runID: "r", seq: 1000).count == 1)
        #expect(try store.counts(runID: "r").succeeded == 1000)
        #expect(throws: RunStoreError.invalidResultState(.invalid)) {
            try store.record([ItemResult(runID: "r", seq: 1, generation: 1, state: .invalid, attempts: 1)])
        }
    }

    @Test(arguments: StoreKind.allCases) func aResultCannotTouchAnInvalidRow(_ kind: StoreKind) throws {
        let store = try store(kind, rows: 2, invalid: [2])
        defer { try? store.close() }
        #expect(throws: RunStoreError.staleResult(runID: "r", seq: 2, generation: 1)) {
            try store.record([ItemResult(runID: "r", seq: 2, generation: 1, state: .succeeded, attempts: 1)])
        }
        #expect(try store.counts(runID: "r").invalid == 1)
    }

    // MARK: - Retry generations

    @Test(arguments: StoreKind.allCases) func retryGenerationGivesNewKeysAndKeepsOldAttempts(_ kind: StoreKind) throws {
        let store = try store(kind, rows: 5, invalid: [5])
        defer { try? store.close() }
        let claimed = try store.claimPending(runID: "r", limit: 4)
        try store.record([
            result(claimed[0], .succeeded),
            result(claimed[1], .failed, status: 422, code: "E1", log: [.permanent]),
            result(claimed[2], .skipped, status: 200, message: "order left NEW", log: []),
            result(claimed[3], .failed, status: 500, code: "E2", log: [.retryable, .retryable, .retryable]),
        ])
        #expect(throws: RunStoreError.notRetryable(.invalid)) {
            _ = try store.startRetryGeneration(runID: "r", states: [.failed, .invalid])
        }
        #expect(try store.startRetryGeneration(runID: "r") == 2)
        var counts = try store.counts(runID: "r")
        #expect(counts.pending == 2)
        #expect(counts.skipped == 1)
        #expect(counts.invalid == 1)

        let again = try store.claimPending(runID: "r", limit: 10)
        #expect(again.map(\.seq) == [2, 4])
        #expect(again.map(\.generation) == [2, 2])
        #expect(again.map(\.attempts) == [0, 0])
        #expect(again.map(\.idempotencyKey) == ["ob-r-2-g2", "ob-r-4-g2"])
        #expect(again[0].idempotencyKey == IdempotencyKey.make(runID: "r", seq: 2, generation: 2))
        #expect(again[0].idempotencyKey != claimed[1].idempotencyKey)

        // A late result for the old generation is refused.
        #expect(throws: RunStoreError.self) { try store.record([result(claimed[1], .succeeded)]) }
        try store.record([result(again[0], .succeeded), result(again[1], .failed, status: 500, log: [.retryable])])
        let log = try store.attempts(runID: "r", seq: 4)
        #expect(log.map(\.generation) == [1, 1, 1, 2])
        #expect(log.map(\.record.attempt) == [1, 2, 3, 1])

        // Skipped rows join a generation only when asked.
        #expect(try store.startRetryGeneration(runID: "r", states: [.failed, .skipped]) == 2)
        counts = try store.counts(runID: "r")
        #expect(counts.pending == 2)
        #expect(counts.succeeded == 2)
        let third = try store.claimPending(runID: "r", limit: 10)
        #expect(third.map(\.idempotencyKey) == ["ob-r-3-g2", "ob-r-4-g3"])
    }

    // MARK: - Reporting

    @Test(arguments: StoreKind.allCases) func forEachItemStreamsInSeqOrderAcrossPagesWithFilters(
        _ kind: StoreKind
    ) throws {
        let total = Int64(SQLiteRunStore.reportPageSize * 2 + 7)
        let store = try store(kind, rows: total, invalid: [1, 1000, 1001, total])
        defer { try? store.close() }
        var seqs: [Int64] = []
        try store.forEachItem(runID: "r", states: nil) { seqs.append($0.seq) }
        #expect(seqs == Array(1...total))

        var invalid: [Int64] = []
        try store.forEachItem(runID: "r", states: [.invalid]) { invalid.append($0.seq) }
        #expect(invalid == [1, 1000, 1001, total])

        var none = 0
        try store.forEachItem(runID: "r", states: []) { _ in none += 1 }
        try store.forEachItem(runID: "r", states: [.succeeded, .failed]) { _ in none += 1 }
        try store.forEachItem(runID: "other", states: nil) { _ in none += 1 }
        #expect(none == 0)

        // The body may call back into the store (no lock is held while it runs).
        var mixed: [Int64] = []
        try store.forEachItem(runID: "r", states: [.invalid, .pending]) { item in
            if item.seq == 2 { _ = try store.counts(runID: "r") }
            if item.seq <= 3 || item.seq >= total - 1 { mixed.append(item.seq) }
        }
        #expect(mixed == [1, 2, 3, total - 1, total])

        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try store.forEachItem(runID: "r", states: nil) { _ in
                seen += 1
                if seen == 5 { throw Stop() }
            }
        }
        #expect(seen == 5)
    }
}
