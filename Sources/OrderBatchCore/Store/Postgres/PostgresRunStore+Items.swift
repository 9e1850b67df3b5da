import Foundation

// MARK: - Ingest, claims, retry (results: PostgresRunStore+Record.swift)

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
