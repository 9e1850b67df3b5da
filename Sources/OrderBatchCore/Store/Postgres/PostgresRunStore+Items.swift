import Foundation

// MARK: - Ingest, execution, retry

extension PostgresRunStore {
    /// Rows per INSERT statement while ingesting (8 parameters each, well under the protocol's 65,535).
    static let insertRowsPerStatement = 500

    public func insertItems(runID: String, _ items: [NewItem]) throws {
        guard !items.isEmpty else { return }
        for item in items where item.state != .pending && item.state != .invalid {
            throw RunStoreError.invalidNewItemState(item.state)
        }
        let now = self.now
        try withConnection { db in
            try db.inTransaction {
                var start = 0
                while start < items.count {
                    let chunk = items[start..<min(start + Self.insertRowsPerStatement, items.count)]
                    var values: [String] = []
                    var parameters: [any PostgresBindable] = [runID]
                    for item in chunk {
                        let n = parameters.count
                        values.append(
                            "($1, $\(n + 1), $\(n + 2), $\(n + 3), $\(n + 4), $\(n + 5), $\(n + 6), 1, $\(n + 7), 0, "
                                + "$\(n + 8), \(now), \(now))")
                        let key =
                            item.state == .invalid
                            ? nil : IdempotencyKey.make(runID: runID, seq: item.seq, generation: 1)
                        parameters +=
                            [
                                item.seq, item.line, item.orderID, item.payload, item.inputJSON, item.state.rawValue,
                                key,
                                item.errorMessage,
                            ] as [any PostgresBindable]
                    }
                    try db.query(
                        """
                        INSERT INTO items (run_id, seq, line, order_id, payload, input_json, state, generation,
                                           idempotency_key, attempts, validation_error, created_at, updated_at)
                        VALUES \(values.joined(separator: ", "))
                        """, parameters)
                    start += chunk.count
                }
            }
        }
    }

    public func discardItems(runID: String) throws -> Int {
        try withConnection { db in
            try db.inTransaction {
                let state = try db.query("SELECT state FROM runs WHERE id = $1 FOR UPDATE", [runID])
                guard state.rowCount == 1 else { throw RunStoreError.unknownRun(runID) }
                let text = state.string(0, 0) ?? ""
                guard text == RunState.ingesting.rawValue else {
                    throw RunStoreError.notIngesting(runID: runID, state: RunState(rawValue: text) ?? .ingesting)
                }
                return try db.query("DELETE FROM items WHERE run_id = $1", [runID]).affectedRows
            }
        }
    }

    public func claimPending(runID: String, limit: Int, afterSeq: Int64, fence: LeaseOwner?) throws -> [ClaimedItem] {
        guard limit > 0 else { return [] }
        let now = self.now
        return try withConnection { db in
            try db.inTransaction {
                if let fence { try Self.requireLease(db, runID: runID, owner: fence, now: now) }
                // One statement: pick the lowest rows nobody else has locked, mark them, return them. Rows another
                // transaction is claiming are skipped, not waited for (river's and Oban's fetch).
                let rows = try db.query(
                    """
                    WITH picked AS (
                        SELECT seq, state FROM items
                        WHERE run_id = $1 AND state IN ('pending', 'unknown') AND seq > $2
                        ORDER BY seq LIMIT $3
                        FOR UPDATE SKIP LOCKED
                    )
                    UPDATE items AS i SET state = 'in_flight', claimed_by = $4, claimed_at = \(now), updated_at = \(now)
                    FROM picked
                    WHERE i.run_id = $1 AND i.seq = picked.seq
                    RETURNING i.seq, i.line, i.order_id, i.payload, i.idempotency_key, i.generation, i.attempts,
                              picked.state
                    """, [runID, afterSeq, limit, fence?.token])
                if let fence, rows.rowCount > 0 {
                    try db.query(
                        "UPDATE workers SET rows_claimed = rows_claimed + $2 WHERE worker_id = $1",
                        [fence.token, rows.rowCount] as [any PostgresBindable])
                }
                var claimed: [ClaimedItem] = []
                claimed.reserveCapacity(rows.rowCount)
                for row in 0..<rows.rowCount {
                    let seq = rows.int64(row, 0) ?? 0
                    guard let orderID = rows.string(row, 2), let payload = rows.string(row, 3),
                        let key = rows.string(row, 4)
                    else {
                        throw RunStoreError.corruptRow(
                            runID: runID, seq: seq, detail: "a claimable row lacks its order id, payload or key")
                    }
                    claimed.append(
                        ClaimedItem(
                            runID: runID, seq: seq, line: Int(rows.int64(row, 1) ?? 0), orderID: orderID,
                            payload: payload, idempotencyKey: key, generation: Int(rows.int64(row, 5) ?? 1),
                            attempts: Int(rows.int64(row, 6) ?? 0),
                            needsReconcile: rows.string(row, 7) == ItemState.unknown.rawValue))
                }
                claimed.sort { $0.seq < $1.seq }
                return claimed
            }
        }
    }

    /// Rows left in flight by a process that is gone become unknown; rows claimed by a live worker (another
    /// process working on the run beside the caller, its heartbeat within its TTL) are left to it.
    public func recoverInterrupted(runID: String) throws -> Int {
        let now = self.now
        return try withConnection { db in
            try db.query(
                """
                UPDATE items SET state = 'unknown', updated_at = \(now)
                WHERE run_id = $1 AND state = 'in_flight'
                  AND (claimed_by IS NULL OR claimed_by NOT IN (
                      SELECT worker_id FROM workers
                      WHERE run_id = $1 AND heartbeat_at >= \(now) - ttl_seconds * interval '1 second'))
                """, [runID]
            ).affectedRows
        }
    }

    public func record(_ results: [ItemResult], fence: LeaseOwner?) throws {
        guard !results.isEmpty else { return }
        for result in results where result.state == .invalid {
            throw RunStoreError.invalidResultState(result.state)
        }
        let now = self.now
        try withConnection { db in
            try db.inTransaction {
                if let fence, let runID = results.first?.runID {
                    try Self.requireLease(db, runID: runID, owner: fence, now: now)
                }
                try Self.recordGroup(db, results, fence: fence, now: now)
            }
        }
    }

    /// Writes a group of results in two statements whatever its size (the rows, then their attempts), each
    /// column bound as one array: a statement per row made the store the bottleneck of a run (two round trips
    /// per row, bench/scale-out.sh store).
    ///
    /// Fenced as before: a row is changed only while it is still this worker's; when one is not, the owner of
    /// the first such row says whether the lease was lost (another worker holds it) or the result is stale.
    private static func recordGroup(
        _ db: PostgresConnection, _ results: [ItemResult], fence: LeaseOwner?, now: String
    ) throws {
        guard let runID = results.first?.runID else { return }
        guard results.allSatisfy({ $0.runID == runID }) else {
            // One run per group in practice (the driver's); otherwise each run's rows on their own.
            for group in Dictionary(grouping: results, by: \.runID).values {
                try recordGroup(db, group, fence: fence, now: now)
            }
            return
        }
        typealias A = PostgresArrayText
        let changed = try db.query(
            """
            UPDATE items AS i SET state = r.state, attempts = r.attempts, last_http_status = r.http,
                                  error_code = r.code, error_message = r.message, latency_ms = r.latency,
                                  updated_at = \(now)
            FROM unnest($2::bigint[], $3::integer[], $4::text[], $5::integer[], $6::integer[], $7::text[],
                        $8::text[], $9::double precision[])
                 AS r (seq, generation, state, attempts, http, code, message, latency)
            WHERE i.run_id = $1 AND i.seq = r.seq AND i.generation = r.generation AND i.state <> 'invalid'
              AND ($10::text IS NULL OR i.claimed_by = $10)
            RETURNING i.seq
            """,
            [
                runID, A.values(results.map(\.seq)), A.values(results.map(\.generation)),
                A.texts(results.map(\.state.rawValue)), A.values(results.map(\.attempts)),
                A.values(results.map(\.httpStatus)), A.texts(results.map(\.errorCode)),
                A.texts(results.map(\.message)), A.values(results.map(\.latencyMilliseconds)), fence?.token,
            ] as [any PostgresBindable])
        if changed.rowCount != results.count {
            let written = Set((0..<changed.rowCount).compactMap { changed.int64($0, 0) })
            if let result = results.first(where: { !written.contains($0.seq) }) {
                if let fence {
                    let owner = try db.query(
                        "SELECT claimed_by FROM items WHERE run_id = $1 AND seq = $2 AND generation = $3",
                        [result.runID, result.seq, result.generation] as [any PostgresBindable])
                    if owner.rowCount == 1, owner.string(0, 0) != fence.token {
                        throw RunStoreError.leaseLost(runID: result.runID)
                    }
                }
                throw RunStoreError.staleResult(runID: result.runID, seq: result.seq, generation: result.generation)
            }
        }
        try appendAttempts(db, runID: runID, results)
    }

    /// Appends the results' attempts to the log, in one statement.
    private static func appendAttempts(_ db: PostgresConnection, runID: String, _ results: [ItemResult]) throws {
        let rows = results.flatMap { result in result.log.map { (result, $0) } }
        guard !rows.isEmpty else { return }
        typealias A = PostgresArrayText
        try db.query(
            """
            INSERT INTO attempts (run_id, seq, generation, attempt, phase, started_at, latency_ms, http_status,
                                  error_code, message, outcome)
            SELECT $1, a.seq, a.generation, a.attempt, a.phase, to_timestamp(a.started), a.latency, a.http,
                   a.code, a.message, a.outcome
            FROM unnest($2::bigint[], $3::integer[], $4::integer[], $5::text[], $6::double precision[],
                        $7::double precision[], $8::integer[], $9::text[], $10::text[], $11::text[])
                 WITH ORDINALITY AS a (seq, generation, attempt, phase, started, latency, http, code, message,
                                       outcome, n)
            ORDER BY a.n
            """,
            [
                runID, A.values(rows.map { $0.0.seq }), A.values(rows.map { $0.0.generation }),
                A.values(rows.map { $0.1.attempt }), A.texts(rows.map { $0.1.phase.rawValue }),
                A.values(rows.map { $0.1.startedAt }), A.values(rows.map { $0.1.latencyMilliseconds }),
                A.values(rows.map { $0.1.httpStatus }), A.texts(rows.map { $0.1.errorCode }),
                A.texts(rows.map { $0.1.message }), A.texts(rows.map { $0.1.result.rawValue }),
            ] as [any PostgresBindable])
    }

    public func startRetryGeneration(runID: String, states: Set<ItemState>) throws -> Int {
        for state in states where state != .failed && state != .skipped {
            throw RunStoreError.notRetryable(state)
        }
        guard !states.isEmpty else { return 0 }
        // State names are the enum's raw values, never user text.
        let list = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        let now = self.now
        return try withConnection { db in
            try db.inTransaction {
                let rows = try db.query(
                    "SELECT seq, generation FROM items WHERE run_id = $1 AND state IN (\(list)) ORDER BY seq FOR UPDATE",
                    [runID])
                for row in 0..<rows.rowCount {
                    let seq = rows.int64(row, 0) ?? 0
                    let generation = Int(rows.int64(row, 1) ?? 1) + 1
                    // The key is made in one place (IdempotencyKey), never rebuilt in SQL.
                    try db.query(
                        """
                        UPDATE items SET state = 'pending', generation = $3, idempotency_key = $4, attempts = 0,
                                         updated_at = \(now)
                        WHERE run_id = $1 AND seq = $2
                        """,
                        [runID, seq, generation, IdempotencyKey.make(runID: runID, seq: seq, generation: generation)]
                            as [any PostgresBindable])
                }
                return rows.rowCount
            }
        }
    }
}
