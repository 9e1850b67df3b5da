import Foundation

// MARK: - Reporting, closing a run, health

extension PostgresRunStore {
    /// Rows read per page by ``forEachItem(runID:states:_:)``.
    static let reportPageSize = 1000

    public func counts(runID: String) throws -> RunCounts {
        try withConnection { db in
            let rows = try db.query("SELECT state, count(*) FROM items WHERE run_id = $1 GROUP BY state", [runID])
            var counts = RunCounts()
            for row in 0..<rows.rowCount {
                let count = Int(rows.int64(row, 1) ?? 0)
                if let state = rows.string(row, 0).flatMap(ItemState.init(rawValue:)) { counts[state] = count }
                counts.total += count
            }
            return counts
        }
    }

    public func forEachItem(runID: String, states: Set<ItemState>?, _ body: (StoredItem) throws -> Void) throws {
        if let states, states.isEmpty { return }
        // State names are the enum's raw values, never user text.
        let filter =
            states.map { set in
                " AND state IN (" + set.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
            } ?? ""
        let sql = """
            SELECT seq, line, order_id, input_json, state, generation, idempotency_key, attempts, last_http_status,
                   error_code, error_message, validation_error, latency_ms, extract(epoch FROM updated_at)
            FROM items WHERE run_id = $1 AND seq > $2\(filter) ORDER BY seq LIMIT $3
            """
        var after: Int64 = 0
        while true {
            // One page per lock hold: `body` runs outside the lock and may call the store.
            let page = try withConnection { db -> [StoredItem] in
                let rows = try db.query(sql, [runID, after, Self.reportPageSize] as [any PostgresBindable])
                return try (0..<rows.rowCount).map { try Self.storedItem(rows, $0, runID: runID) }
            }
            for item in page { try body(item) }
            guard page.count == Self.reportPageSize, let last = page.last else { return }
            after = last.seq
        }
    }

    public func attempts(runID: String, seq: Int64) throws -> [AttemptLogEntry] {
        try withConnection { db in
            let rows = try db.query(
                """
                SELECT generation, attempt, phase, extract(epoch FROM started_at), latency_ms, http_status, error_code,
                       message, outcome
                FROM attempts WHERE run_id = $1 AND seq = $2 ORDER BY id
                """, [runID, seq] as [any PostgresBindable])
            return try (0..<rows.rowCount).map { row in
                let record = try rows.attemptRecord(row, from: 1, runID: runID, seq: seq)
                return AttemptLogEntry(generation: Int(rows.int64(row, 0) ?? 1), record: record)
            }
        }
    }

    /// Reads a row of the ``forEachItem(runID:states:_:)`` query.
    private static func storedItem(_ rows: PostgresResult, _ row: Int, runID: String) throws -> StoredItem {
        let seq = rows.int64(row, 0) ?? 0
        guard let state = rows.string(row, 4).flatMap(ItemState.init(rawValue:)) else {
            throw RunStoreError.corruptRow(runID: runID, seq: seq, detail: "unknown item state")
        }
        return StoredItem(
            seq: seq, line: Int(rows.int64(row, 1) ?? 0), orderID: rows.string(row, 2),
            inputJSON: rows.string(row, 3) ?? "{}", state: state, generation: Int(rows.int64(row, 5) ?? 1),
            idempotencyKey: rows.string(row, 6), attempts: Int(rows.int64(row, 7) ?? 0),
            lastHTTPStatus: rows.int64(row, 8).map { Int($0) }, errorCode: rows.string(row, 9),
            errorMessage: rows.string(row, 10), validationError: rows.string(row, 11),
            latencyMilliseconds: rows.double(row, 12), updatedAt: Date(timeIntervalSince1970: rows.double(row, 13) ?? 0)
        )
    }

    // MARK: - Closing a run

    public func cancelRun(id: String, reason: String) throws -> RunCounts {
        try withConnection { db in
            try db.inTransaction {
                let read = try db.query("SELECT state FROM runs WHERE id = $1 FOR UPDATE", [id])
                guard read.rowCount == 1 else { throw RunStoreError.unknownRun(id) }
                let state = read.string(0, 0).flatMap(RunState.init(rawValue:))
                guard let state, state.isOpen else {
                    throw RunStoreError.notOpen(runID: id, state: state ?? .canceled)
                }
                // No process holds the run (the caller holds its lease): a row it left in flight may have
                // been applied, so it is recorded as unknown, never as pending.
                try db.query(
                    "UPDATE items SET state = 'unknown', updated_at = \(now) WHERE run_id = $1 AND state = 'in_flight'",
                    [id])
                try db.query(
                    """
                    UPDATE runs SET state = 'canceled', state_reason = $2, updated_at = \(now), finished_at = \(now)
                    WHERE id = $1
                    """, [id, reason])
            }
        }
        return try counts(runID: id)
    }

    // MARK: - Health

    /// Asks the server a trivial question about the store's own table: throws ``PostgresError`` when the
    /// connection is lost (and cannot be made again) or the tables were dropped.
    public func checkStorage() throws {
        try withConnection { _ = try $0.query("SELECT 1 FROM schema_version LIMIT 1") }
    }

    /// Nothing to check from here: PostgreSQL checks its own pages (data checksums when the cluster has
    /// them, `amcheck` for an administrator). Always empty.
    public func quickCheck() throws -> [String] { [] }

    public func consistencyProblems(runID: String) throws -> [String] {
        let counts = try self.counts(runID: runID)
        let (low, high) = try withConnection { db -> (Int64, Int64) in
            let rows = try db.query("SELECT min(seq), max(seq) FROM items WHERE run_id = $1", [runID])
            return (rows.int64(0, 0) ?? 0, rows.int64(0, 1) ?? 0)
        }
        guard counts.total > 0 || high > 0 else { return [] }
        guard low == 1, Int64(counts.total) == high else {
            return [
                "run \(runID) counts \(counts.total) rows by state but its rows are numbered \(low)…\(high): "
                    + "rows are missing from the items table"
            ]
        }
        return []
    }
}

extension PostgresResult {
    /// The attempt in `row` whose columns start at `column`, in the order `attempt, phase, started_at (epoch
    /// seconds), latency_ms, http_status, error_code, message, outcome` (every query of the attempts log selects
    /// them so).
    ///
    /// - Throws: ``RunStoreError/corruptRow(runID:seq:detail:)`` for an unknown phase or outcome.
    func attemptRecord(_ row: Int, from column: Int, runID: String, seq: Int64) throws -> AttemptRecord {
        guard let phase = string(row, column + 1).flatMap(AttemptRecord.Phase.init(rawValue:)),
            let result = string(row, column + 7).flatMap(AttemptRecord.Result.init(rawValue:))
        else {
            throw RunStoreError.corruptRow(runID: runID, seq: seq, detail: "an attempt has an unknown phase or outcome")
        }
        return AttemptRecord(
            attempt: Int(int64(row, column) ?? 0), phase: phase,
            startedAt: Date(timeIntervalSince1970: double(row, column + 2) ?? 0),
            latencyMilliseconds: double(row, column + 3), httpStatus: int64(row, column + 4).map { Int($0) },
            errorCode: string(row, column + 5), message: string(row, column + 6), result: result)
    }
}
