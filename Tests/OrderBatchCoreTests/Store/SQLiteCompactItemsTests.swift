import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// Schema version 6 (issue #12): rows stored by shape, derived idempotency keys, a first send that succeeded
/// kept on its row. Every fact reads back as it was given, and a version-4 file upgrades and resumes.
@Suite struct SQLiteCompactItemsTests {
    let directory = StoreTestDirectory()

    private func count(_ store: SQLiteRunStore, _ sql: String) throws -> Int64 {
        try store.withConnection { try $0.scalarInt(sql) ?? -1 }
    }

    /// Inputs and payloads of every kind: plain, escaped, non-string members, empty strings, control characters
    /// (escaped), a payload string that is no input value, not JSON at all, and more shapes than a run may have.
    private static func awkwardItems() -> [NewItem] {
        var items: [NewItem] = []
        let texts: [(input: String, payload: String)] = [
            (#"{"order_id":"A1","amount":"10.00","city":"Pune"}"#, #"{"amount":"10.00","order_id":"A1"}"#),
            (#"{"order_id":"A2","amount":"10.50","city":""}"#, #"{"amount":"10.5","order_id":"A2"}"#),
            (#"{"order_id":"A3","amount":"1","city":"say \"hi\""}"#, #"{"amount":"1","note":"say \"hi\""}"#),
            (#"{"order_id":"A4","amount":7,"city":null}"#, #"{"amount":7,"fields":[{"name":"city","value":""}]}"#),
            (#"{"order_id":"A5","amount":"ünï 🚀","city":"a\u001fb"}"#, #"{"amount":"ünï 🚀","order_id":"A5"}"#),
            ("not json, \"really\"", "neither"),
            ("{\"order_id\":\"A7\",\"amount\":\"\u{1}\u{2}\",\"city\":\"x\"}", #"{"order_id":"A7","amount":"x"}"#),
        ]
        for (offset, text) in texts.enumerated() {
            let seq = Int64(offset + 1)
            items.append(
                .pending(seq: seq, line: offset + 2, orderID: "A\(seq)", payload: text.payload, inputJSON: text.input))
        }
        // Each of these has a shape of its own (a literal in its payload's constant part, then a key of its own).
        for seq in Int64(8)...100 {
            items.append(
                .pending(
                    seq: seq, line: Int(seq) + 1, orderID: "B\(seq)",
                    payload: #"{"k\#(seq)":"v","order_id":"B\#(seq)"}"#,
                    inputJSON: #"{"order_id":"B\#(seq)","c\#(seq)":"v"}"#))
        }
        items.append(.invalid(seq: 101, line: 102, inputJSON: #"{"order_id":"","amount":"x"}"#, errorMessage: "no id"))
        return items
    }

    @Test(arguments: StoreKind.allCases) func everyInputAndPayloadReadsBackByteForByte(_ kind: StoreKind) throws {
        let store = try TestDatabase(kind, in: directory).open()
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        let items = Self.awkwardItems()
        try store.insertItems(runID: "r", Array(items.prefix(50)))
        try store.insertItems(runID: "r", Array(items.dropFirst(50)))
        var inputs: [Int64: String] = [:]
        var keys: [Int64: String?] = [:]
        try store.forEachItem(runID: "r", states: nil) {
            inputs[$0.seq] = $0.inputJSON
            keys[$0.seq] = $0.idempotencyKey
        }
        for item in items {
            #expect(inputs[item.seq] == item.inputJSON, "row \(item.seq)")
            let key = item.state == .invalid ? nil : IdempotencyKey.make(runID: "r", seq: item.seq, generation: 1)
            #expect(keys[item.seq] == key, "row \(item.seq)")
        }
        let claimed = try store.claimPending(runID: "r", limit: 1000)
        #expect(claimed.count == items.count - 1)
        for item in claimed {
            let given = try #require(items.first { $0.seq == item.seq })
            #expect(item.payload == given.payload, "row \(item.seq)")
            #expect(item.idempotencyKey == IdempotencyKey.make(runID: "r", seq: item.seq, generation: 1))
        }
    }

    @Test func rowsOfOneShapeKeepOnlyTheirValuesAndARunKeepsAtMostItsLimitOfShapes() throws {
        let store = try SQLiteRunStore(path: directory.path())
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", Self.awkwardItems())
        #expect(try count(store, "SELECT count(*) FROM item_shapes") == Int64(StoredShapes.limitPerRun))
        // A1's payload is all input values; A2's keeps its own "10.5" in a shape of its own.
        #expect(try count(store, "SELECT count(*) FROM items WHERE seq IN (1, 2) AND payload IS NULL") == 2)
        #expect(
            try count(store, "SELECT length(input) FROM items WHERE seq = 1")
                == Int64("A1\u{1F}10.00\u{1F}Pune".utf8.count))
        // Control characters, and the rows past the limit, keep their texts whole.
        #expect(try count(store, "SELECT count(*) FROM items WHERE seq = 7 AND input_shape IS NULL") == 1)
        #expect(try count(store, "SELECT count(*) FROM items WHERE seq = 100 AND input_shape IS NULL") == 1)
        #expect(try count(store, "SELECT count(*) FROM items WHERE idempotency_key IS NOT NULL") == 0)
    }

    @Test func aFirstSendThatSucceededIsKeptOnItsRowAndMovedToTheLogWhenTheRowChanges() throws {
        let store = try SQLiteRunStore(path: directory.path())
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", StoreFixtures.items(1...3))
        _ = try store.claimPending(runID: "r", limit: 3)
        let at = Date(timeIntervalSince1970: 1_700_000_000.125)
        let send = AttemptRecord(
            attempt: 1, phase: .send, startedAt: at, latencyMilliseconds: 12.5, httpStatus: 200, result: .succeeded)
        var noted = send
        noted.message = "applied"
        try store.record([
            ItemResult(
                runID: "r", seq: 1, generation: 1, state: .succeeded, attempts: 1, httpStatus: 200,
                latencyMilliseconds: 12.5, log: [send]),
            // The attempt's message is not the row's: the log keeps it.
            ItemResult(
                runID: "r", seq: 2, generation: 1, state: .succeeded, attempts: 1, httpStatus: 200,
                latencyMilliseconds: 12.5, log: [noted]),
        ])
        #expect(try count(store, "SELECT count(*) FROM attempts") == 1)
        #expect(try count(store, "SELECT count(*) FROM items WHERE sent_at IS NOT NULL") == 1)
        #expect(try store.attempts(runID: "r", seq: 1) == [AttemptLogEntry(generation: 1, record: send)])
        #expect(try store.attempts(runID: "r", seq: 2) == [AttemptLogEntry(generation: 1, record: noted)])
        var lines: [AttemptLogLine] = []
        try store.forEachAttempt(runID: "r", orderID: "ORD1") { lines.append($0) }
        #expect(lines == [AttemptLogLine(seq: 1, orderID: "ORD1", generation: 1, record: send)])
        let groups = try store.attemptGroups(runID: "r", since: nil, origin: at, bucketSeconds: 1)
        #expect(groups.map(\.count).reduce(0, +) == 2)

        // Anything that changes the row first moves the kept attempt into the log.
        let reconcile = AttemptRecord(
            attempt: 0, phase: .reconcile, startedAt: at + 5, latencyMilliseconds: 3, httpStatus: 200,
            result: .inEffect)
        try store.record([
            ItemResult(
                runID: "r", seq: 1, generation: 1, state: .succeeded, attempts: 1, httpStatus: 200,
                latencyMilliseconds: 3, log: [reconcile])
        ])
        #expect(try count(store, "SELECT count(*) FROM items WHERE sent_at IS NOT NULL") == 0)
        #expect(
            try store.attempts(runID: "r", seq: 1) == [
                AttemptLogEntry(generation: 1, record: send), AttemptLogEntry(generation: 1, record: reconcile),
            ])
    }

    /// The same attempts twice: in run `kept`, each first send that succeeded is recorded with its row's final
    /// state and stays on the row; in run `logged`, it is recorded while the row is still in flight (so it goes
    /// to `attempts`) and the row's final state after. Everything read from the history is the same.
    @Test func firstSendsKeptOnTheirRowsGiveTheSameHistoryAsTheLog() throws {
        let clock = TestClock()
        let store = try SQLiteRunStore(path: directory.path(), clock: clock.function)
        defer { try? store.close() }
        let t0 = clock.now
        for run in ["kept", "logged"] {
            try store.createRun(StoreFixtures.newRun(id: run))
            try store.insertItems(runID: run, StoreFixtures.items(1...300))
            _ = try store.claimPending(runID: run, limit: 300)
            var first: [ItemResult] = []
            var last: [ItemResult] = []
            for seq in Int64(1)...300 {
                // Rows 1-250 succeed at once; 251-300 fail first (503), then succeed.
                let latency = Double(seq % 97) * 1.25
                let sent = AttemptRecord(
                    attempt: 1, phase: .send, startedAt: t0 + Double(seq) * 0.1, latencyMilliseconds: latency,
                    httpStatus: seq > 250 ? 503 : 200, errorCode: seq > 250 ? "SERVER_ERROR" : nil,
                    result: seq > 250 ? .retryable : .succeeded)
                var log = [sent]
                if seq > 250 {
                    log.append(
                        AttemptRecord(
                            attempt: 2, phase: .send, startedAt: t0 + 40 + Double(seq) * 0.1,
                            latencyMilliseconds: latency, httpStatus: 200, result: .succeeded))
                }
                let done = ItemResult(
                    runID: run, seq: seq, generation: 1, state: .succeeded, attempts: log.count, httpStatus: 200,
                    latencyMilliseconds: latency, log: log)
                if run == "kept" {
                    last.append(done)
                } else {
                    var inFlight = done
                    inFlight.state = .inFlight
                    first.append(inFlight)
                    var after = done
                    after.log = []
                    last.append(after)
                }
            }
            try store.record(first)
            try store.record(last)
        }
        #expect(try count(store, "SELECT count(*) FROM items WHERE sent_at IS NOT NULL") == 250)
        func history(_ run: String) throws -> (RunTimeline, RequestStatistics, [AttemptLogLine], [AttemptLogEntry]) {
            let (timeline, requests) = try store.history(runID: run, origin: t0, bucketSeconds: 5, topErrors: 5)
            var lines: [AttemptLogLine] = []
            try store.forEachAttempt(runID: run, orderID: nil) { lines.append($0) }
            let entries = try (Int64(249)...252).flatMap { try store.attempts(runID: run, seq: $0) }
            return (timeline, requests, lines, entries)
        }
        let kept = try history("kept")
        let logged = try history("logged")
        #expect(kept.0 == logged.0)
        #expect(kept.1 == logged.1)
        #expect(kept.1.phases[.send]?.requests == 350)
        #expect(kept.2 == logged.2)
        #expect(kept.2.count == 350)
        #expect(kept.3 == logged.3)
        let since = try store.requestStatistics(runID: "kept", since: t0 + 20, topErrors: 5)
        #expect(since == (try store.requestStatistics(runID: "logged", since: t0 + 20, topErrors: 5)))
    }

    /// A version-5 file as today's main leaves it: upgraded in place, every fact kept, and the run resumes.
    @Test func aVersionFiveDatabaseUpgradesKeepingEveryFactAndResumes() throws {
        let path = directory.path("v5.sqlite")
        let old = try SQLiteRunStore(path: path, clock: { Date() }, schemaVersion: 5)
        try old.withConnection { db in
            try db.execute(
                """
                INSERT INTO runs (id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                                  state, created_at, updated_at)
                VALUES ('first', 'reprice', 'j.yaml', 'name: reprice', 'juspay', 'in.csv', 'aa', '{}', 'stopped', 1, 2),
                       ('old', 'reprice', 'j.yaml', 'name: reprice', 'juspay', 'in.csv', 'bb', '{}', 'stopped', 1, 2);
                INSERT INTO items (run_id, seq, line, order_id, payload, input_json, state, idempotency_key,
                                   attempts, last_http_status, latency_ms, validation_error, created_at, updated_at)
                VALUES ('old', 1, 2, 'A1', '{"amount":"1"}', '{"order_id":"A1"}', 'succeeded', 'ob-old-1-g1',
                        1, 200, 5.5, NULL, 1, 3),
                       ('old', 2, 3, 'A2', '{"amount":"2"}', '{"order_id":"A2"}', 'pending', 'ob-old-2-g1',
                        0, NULL, NULL, NULL, 1, 1),
                       ('old', 3, 4, 'A3', '{"amount":"3"}', '{"order_id":"A3"}', 'pending', 'legacy-3',
                        0, NULL, NULL, NULL, 1, 1),
                       ('old', 4, 5, NULL, NULL, '{"order_id":""}', 'invalid', NULL, 0, NULL, NULL, 'no id', 1, 1),
                       ('old', 5, 6, 'A5', '{"amount":"5"}', '{"order_id":"A5"}', 'in_flight', 'ob-old-5-g1',
                        0, NULL, NULL, NULL, 1, 1);
                INSERT INTO attempts (run_id, seq, generation, attempt, phase, started_at, latency_ms, http_status,
                                      outcome)
                VALUES ('old', 1, 1, 1, 'send', 2.5, 5.5, 200, 'succeeded');
                """)
        }
        try old.close()

        let store = try SQLiteRunStore(path: path)
        defer { try? store.close() }
        #expect(try store.userVersion() == 6)
        #expect(try store.recentRuns(limit: 10).map(\.id) == ["old", "first"])
        var items: [StoredItem] = []
        try store.forEachItem(runID: "old", states: nil) { items.append($0) }
        #expect(items.map(\.inputJSON) == (1...5).map { $0 == 4 ? #"{"order_id":""}"# : #"{"order_id":"A\#($0)"}"# })
        #expect(items.map(\.idempotencyKey) == ["ob-old-1-g1", "ob-old-2-g1", "legacy-3", nil, "ob-old-5-g1"])
        #expect(items.map(\.state) == [.succeeded, .pending, .pending, .invalid, .inFlight])
        #expect(items[0].latencyMilliseconds == 5.5 && items[0].lastHTTPStatus == 200)
        #expect(items[3].validationError == "no id")
        let logged = try store.attempts(runID: "old", seq: 1)
        #expect(logged.map(\.record.startedAt) == [Date(timeIntervalSince1970: 2.5)])

        // Resume: the row left in flight becomes unknown, then everything due is claimed with its own key.
        #expect(try store.recoverInterrupted(runID: "old") == 1)
        let claimed = try store.claimPending(runID: "old", limit: 10)
        #expect(claimed.map(\.seq) == [2, 3, 5])
        #expect(claimed.map(\.payload) == [#"{"amount":"2"}"#, #"{"amount":"3"}"#, #"{"amount":"5"}"#])
        #expect(claimed.map(\.idempotencyKey) == ["ob-old-2-g1", "legacy-3", "ob-old-5-g1"])
        #expect(claimed.map(\.needsReconcile) == [false, false, true])
        let send = AttemptRecord(
            attempt: 1, phase: .send, startedAt: Date(timeIntervalSince1970: 9), latencyMilliseconds: 1,
            httpStatus: 200, result: .succeeded)
        try store.record(
            claimed.map {
                ItemResult(
                    runID: "old", seq: $0.seq, generation: 1, state: .succeeded, attempts: 1, httpStatus: 200,
                    latencyMilliseconds: 1, log: [send])
            })
        #expect(try store.counts(runID: "old").succeeded == 4)
        var log: [AttemptLogLine] = []
        try store.forEachAttempt(runID: "old", orderID: nil) { log.append($0) }
        #expect(log.map(\.seq) == [1, 2, 3, 5])
        // A retry of a failed row gets the derived key of its new generation.
        #expect(try store.startRetryGeneration(runID: "old", states: [.failed]) == 0)
    }
}
