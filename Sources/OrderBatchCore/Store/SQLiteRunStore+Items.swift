import Foundation

// MARK: - Ingest, execution, retry and reporting

extension SQLiteRunStore {
    /// Rows read per page by ``forEachItem(runID:states:_:)``.
    static let reportPageSize = 1000

    public func insertItems(runID: String, _ items: [NewItem]) throws {
        guard !items.isEmpty else { return }
        for item in items where item.state != .pending && item.state != .invalid {
            throw RunStoreError.invalidNewItemState(item.state)
        }
        let now = clock().timeIntervalSince1970
        try withConnection { db in
            try db.inTransaction(.immediate) {
                let insert = try db.cachedStatement(
                    """
                    INSERT INTO items (run_id, seq, line, order_id, payload, input_json, state, generation,
                                       idempotency_key, attempts, validation_error, created_at, updated_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, 0, ?9, ?10, ?10)
                    """)
                for item in items {
                    try insert.bind(runID, at: 1)
                    try insert.bind(item.seq, at: 2)
                    try insert.bind(item.line, at: 3)
                    try insert.bind(item.orderID, at: 4)
                    try insert.bind(item.payload, at: 5)
                    try insert.bind(item.inputJSON, at: 6)
                    try insert.bind(item.state.rawValue, at: 7)
                    let key =
                        item.state == .invalid ? nil : IdempotencyKey.make(runID: runID, seq: item.seq, generation: 1)
                    try insert.bind(key, at: 8)
                    try insert.bind(item.errorMessage, at: 9)
                    try insert.bind(now, at: 10)
                    try insert.run()
                }
            }
        }
    }

    public func discardItems(runID: String) throws -> Int {
        try withConnection { db in
            try db.inTransaction(.immediate) {
                let select = try db.cachedStatement("SELECT state FROM runs WHERE id = ?1")
                try select.bind(runID, at: 1)
                guard try select.step() else { throw RunStoreError.unknownRun(runID) }
                let text = select.string(at: 0) ?? ""
                select.reset()
                guard text == RunState.ingesting.rawValue else {
                    throw RunStoreError.notIngesting(runID: runID, state: RunState(rawValue: text) ?? .ingesting)
                }
                let delete = try db.cachedStatement("DELETE FROM items WHERE run_id = ?1")
                try delete.bind(runID, at: 1)
                try delete.run()
                return db.changes
            }
        }
    }

    public func claimPending(runID: String, limit: Int, afterSeq: Int64, fence: LeaseOwner?) throws -> [ClaimedItem] {
        guard limit > 0 else { return [] }
        let now = clock().timeIntervalSince1970
        return try withConnection { db in
            try db.inTransaction(.immediate) {
                if let fence { try Self.requireLease(db, runID: runID, owner: fence) }
                // Two index range scans (one per state) merged by seq, rather than one IN-query the planner
                // would sort: claiming stays cheap however many rows are already done.
                let select = try db.cachedStatement(
                    """
                    SELECT seq, line, order_id, payload, idempotency_key, generation, attempts FROM items
                    WHERE run_id = ?1 AND state = ?2 AND seq > ?4 ORDER BY seq LIMIT ?3
                    """)
                var claimed: [ClaimedItem] = []
                for state in [ItemState.unknown, .pending] {
                    select.reset()
                    try select.bind(runID, at: 1)
                    try select.bind(state.rawValue, at: 2)
                    try select.bind(limit, at: 3)
                    try select.bind(afterSeq, at: 4)
                    while try select.step() {
                        let seq = select.int64(at: 0)
                        guard let orderID = select.string(at: 2), let payload = select.string(at: 3),
                            let key = select.string(at: 4)
                        else {
                            throw RunStoreError.corruptRow(
                                runID: runID, seq: seq, detail: "a \(state) row lacks its order id, payload or key")
                        }
                        claimed.append(
                            ClaimedItem(
                                runID: runID, seq: seq, line: Int(select.int64(at: 1)), orderID: orderID,
                                payload: payload, idempotencyKey: key, generation: Int(select.int64(at: 5)),
                                attempts: Int(select.int64(at: 6)), needsReconcile: state == .unknown))
                    }
                }
                select.reset()
                claimed.sort { $0.seq < $1.seq }
                if claimed.count > limit { claimed.removeLast(claimed.count - limit) }
                let update = try db.cachedStatement(
                    "UPDATE items SET state = 'in_flight', updated_at = ?3 WHERE run_id = ?1 AND seq = ?2")
                for item in claimed {
                    try update.bind(runID, at: 1)
                    try update.bind(item.seq, at: 2)
                    try update.bind(now, at: 3)
                    try update.run()
                }
                return claimed
            }
        }
    }

    public func recoverInterrupted(runID: String) throws -> Int {
        let now = clock().timeIntervalSince1970
        return try withConnection { db in
            try db.inTransaction(.immediate) {
                let update = try db.cachedStatement(
                    """
                    UPDATE items SET state = 'unknown', updated_at = ?2
                    WHERE run_id = ?1 AND state = 'in_flight'
                    """)
                try update.bind(runID, at: 1)
                try update.bind(now, at: 2)
                try update.run()
                return db.changes
            }
        }
    }

    public func record(_ results: [ItemResult], fence: LeaseOwner?) throws {
        guard !results.isEmpty else { return }
        for result in results where result.state == .invalid {
            throw RunStoreError.invalidResultState(result.state)
        }
        let now = clock().timeIntervalSince1970
        try withConnection { db in
            try db.inTransaction(.immediate) {
                if let fence, let runID = results.first?.runID {
                    try Self.requireLease(db, runID: runID, owner: fence)
                }
                let update = try db.cachedStatement(
                    """
                    UPDATE items SET state = ?4, attempts = ?5, last_http_status = ?6, error_code = ?7,
                                     error_message = ?8, latency_ms = ?9, updated_at = ?10
                    WHERE run_id = ?1 AND seq = ?2 AND generation = ?3 AND state <> 'invalid'
                    """)
                let log = try db.cachedStatement(
                    """
                    INSERT INTO attempts (run_id, seq, generation, attempt, phase, started_at, latency_ms,
                                          http_status, error_code, message, outcome)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                    """)
                for result in results {
                    try update.bind(result.runID, at: 1)
                    try update.bind(result.seq, at: 2)
                    try update.bind(result.generation, at: 3)
                    try update.bind(result.state.rawValue, at: 4)
                    try update.bind(result.attempts, at: 5)
                    try update.bind(result.httpStatus, at: 6)
                    try update.bind(result.errorCode, at: 7)
                    try update.bind(result.message, at: 8)
                    try update.bind(result.latencyMilliseconds, at: 9)
                    try update.bind(now, at: 10)
                    try update.run()
                    guard db.changes == 1 else {
                        throw RunStoreError.staleResult(
                            runID: result.runID, seq: result.seq, generation: result.generation)
                    }
                    for attempt in result.log {
                        try log.bind(result.runID, at: 1)
                        try log.bind(result.seq, at: 2)
                        try log.bind(result.generation, at: 3)
                        try log.bind(attempt.attempt, at: 4)
                        try log.bind(attempt.phase.rawValue, at: 5)
                        try log.bind(attempt.startedAt.timeIntervalSince1970, at: 6)
                        try log.bind(attempt.latencyMilliseconds, at: 7)
                        try log.bind(attempt.httpStatus, at: 8)
                        try log.bind(attempt.errorCode, at: 9)
                        try log.bind(attempt.message, at: 10)
                        try log.bind(attempt.result.rawValue, at: 11)
                        try log.run()
                    }
                }
            }
        }
        // Committed: counted in this store's figures (never before, so a refused group counts nothing).
        recorded.withLock { recorded in
            for result in results where !result.log.isEmpty {
                for attempt in result.log { recorded.figures[result.runID, default: RequestFigures()].add(attempt) }
            }
        }
    }

    public func startRetryGeneration(runID: String, states: Set<ItemState>) throws -> Int {
        for state in states where state != .failed && state != .skipped {
            throw RunStoreError.notRetryable(state)
        }
        let now = clock().timeIntervalSince1970
        return try withConnection { db in
            try db.inTransaction(.immediate) {
                // Collect first: updating rows of the index a SELECT is walking is undefined in SQLite.
                let select = try db.cachedStatement(
                    "SELECT seq, generation FROM items WHERE run_id = ?1 AND state = ?2 ORDER BY seq")
                var rows: [(seq: Int64, generation: Int)] = []
                for state in states.sorted(by: { $0.rawValue < $1.rawValue }) {
                    select.reset()
                    try select.bind(runID, at: 1)
                    try select.bind(state.rawValue, at: 2)
                    while try select.step() { rows.append((select.int64(at: 0), Int(select.int64(at: 1)))) }
                }
                select.reset()
                let update = try db.cachedStatement(
                    """
                    UPDATE items SET state = 'pending', generation = ?3, idempotency_key = ?4, attempts = 0,
                                     updated_at = ?5
                    WHERE run_id = ?1 AND seq = ?2
                    """)
                for row in rows {
                    let generation = row.generation + 1
                    try update.bind(runID, at: 1)
                    try update.bind(row.seq, at: 2)
                    try update.bind(generation, at: 3)
                    try update.bind(IdempotencyKey.make(runID: runID, seq: row.seq, generation: generation), at: 4)
                    try update.bind(now, at: 5)
                    try update.run()
                }
                return rows.count
            }
        }
    }

    public func counts(runID: String) throws -> RunCounts {
        try withConnection { db in
            let statement = try db.cachedStatement(
                "SELECT state, count(*) FROM items WHERE run_id = ?1 GROUP BY state")
            defer { statement.reset() }
            try statement.bind(runID, at: 1)
            var counts = RunCounts()
            while try statement.step() {
                let count = Int(statement.int64(at: 1))
                if let state = statement.string(at: 0).flatMap(ItemState.init(rawValue:)) { counts[state] = count }
                counts.total += count
            }
            return counts
        }
    }

    public func forEachItem(runID: String, states: Set<ItemState>?, _ body: (StoredItem) throws -> Void) throws {
        if let states, states.isEmpty { return }
        // State names are the enum's raw values, never user text: safe to place in the SQL, and the text
        // (hence the cached statement) is the same for the same set.
        let filter =
            states.map { set in
                " AND state IN (" + set.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
            } ?? ""
        let sql = """
            SELECT seq, line, order_id, input_json, state, generation, idempotency_key, attempts, last_http_status,
                   error_code, error_message, validation_error, latency_ms, updated_at
            FROM items WHERE run_id = ?1 AND seq > ?2\(filter) ORDER BY seq LIMIT ?3
            """
        var after: Int64 = 0
        while true {
            // One page per lock hold: `body` runs outside the lock and may call the store.
            let page = try withConnection { db -> [StoredItem] in
                let statement = try db.cachedStatement(sql)
                defer { statement.reset() }
                try statement.bind(runID, at: 1)
                try statement.bind(after, at: 2)
                try statement.bind(Self.reportPageSize, at: 3)
                var page: [StoredItem] = []
                page.reserveCapacity(Self.reportPageSize)
                while try statement.step() { page.append(try Self.storedItem(statement, runID: runID)) }
                return page
            }
            for item in page { try body(item) }
            guard page.count == Self.reportPageSize, let last = page.last else { return }
            after = last.seq
        }
    }

    public func attempts(runID: String, seq: Int64) throws -> [AttemptLogEntry] {
        try withConnection { db in
            let statement = try db.cachedStatement(
                """
                SELECT generation, attempt, phase, started_at, latency_ms, http_status, error_code, message, outcome
                FROM attempts WHERE run_id = ?1 AND seq = ?2 ORDER BY id
                """)
            defer { statement.reset() }
            try statement.bind(runID, at: 1)
            try statement.bind(seq, at: 2)
            var entries: [AttemptLogEntry] = []
            while try statement.step() {
                let record = try statement.attemptRecord(from: 1, runID: runID, seq: seq)
                entries.append(AttemptLogEntry(generation: Int(statement.int64(at: 0)), record: record))
            }
            return entries
        }
    }

    /// Reads a row of the ``forEachItem(runID:states:_:)`` query.
    private static func storedItem(_ row: SQLiteStatement, runID: String) throws -> StoredItem {
        let seq = row.int64(at: 0)
        guard let state = row.string(at: 4).flatMap(ItemState.init(rawValue:)) else {
            throw RunStoreError.corruptRow(runID: runID, seq: seq, detail: "unknown item state")
        }
        return StoredItem(
            seq: seq, line: Int(row.int64(at: 1)), orderID: row.string(at: 2), inputJSON: row.string(at: 3) ?? "{}",
            state: state, generation: Int(row.int64(at: 5)), idempotencyKey: row.string(at: 6),
            attempts: Int(row.int64(at: 7)), lastHTTPStatus: row.optionalInt(at: 8), errorCode: row.string(at: 9),
            errorMessage: row.string(at: 10), validationError: row.string(at: 11),
            latencyMilliseconds: row.optionalDouble(at: 12), updatedAt: Date(timeIntervalSince1970: row.double(at: 13)))
    }
}

extension SQLiteStatement {
    /// The attempt whose columns start at `column`, in the order `attempt, phase, started_at, latency_ms,
    /// http_status, error_code, message, outcome` (every query of the attempts log selects them so).
    ///
    /// - Throws: ``RunStoreError/corruptRow(runID:seq:detail:)`` for an unknown phase or outcome.
    func attemptRecord(from column: Int32, runID: String, seq: Int64) throws -> AttemptRecord {
        guard let phase = string(at: column + 1).flatMap(AttemptRecord.Phase.init(rawValue:)),
            let result = string(at: column + 7).flatMap(AttemptRecord.Result.init(rawValue:))
        else {
            throw RunStoreError.corruptRow(runID: runID, seq: seq, detail: "an attempt has an unknown phase or outcome")
        }
        return AttemptRecord(
            attempt: Int(int64(at: column)), phase: phase,
            startedAt: Date(timeIntervalSince1970: double(at: column + 2)),
            latencyMilliseconds: optionalDouble(at: column + 3), httpStatus: optionalInt(at: column + 4),
            errorCode: string(at: column + 5), message: string(at: column + 6), result: result)
    }
}
