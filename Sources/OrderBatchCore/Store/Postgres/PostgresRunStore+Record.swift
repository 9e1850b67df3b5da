import Foundation

// MARK: - Recording results: a group of rows in a few statements, whatever its size

extension PostgresRunStore {
    /// The key of a result's row: the same row twice in one group is written in order (see ``record(_:fence:)``).
    private struct RowKey: Hashable {
        var runID: String
        var seq: Int64
        var generation: Int
    }

    /// Writes a group of results in one transaction: the lease checked, every row updated in one statement
    /// (`UPDATE … FROM unnest(…)`, fenced by `claimed_by`), every attempt appended in one statement; a row
    /// that was not updated rolls the whole group back with ``RunStoreError/leaseLost(runID:)`` (another
    /// worker claimed it since) or ``RunStoreError/staleResult(runID:seq:generation:)``, naming the group's
    /// first such row. A group that names a row twice is written in parts that do not, in order, so the
    /// later result wins as it would row by row.
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
                for part in Self.partsWithoutRepeats(results) {
                    try Self.updateRows(db, part, fence: fence, now: now)
                    try Self.appendAttempts(db, part)
                }
            }
        }
    }

    /// `results` cut, in order, into runs in which no row appears twice (usually one: the whole group).
    private static func partsWithoutRepeats(_ results: [ItemResult]) -> [ArraySlice<ItemResult>] {
        var parts: [ArraySlice<ItemResult>] = []
        var seen: Set<RowKey> = []
        var start = results.startIndex
        for index in results.indices {
            let key = RowKey(
                runID: results[index].runID, seq: results[index].seq, generation: results[index].generation)
            if !seen.insert(key).inserted {
                parts.append(results[start..<index])
                seen = [key]
                start = index
            }
        }
        parts.append(results[start...])
        return parts
    }

    /// Updates the rows of `results` (none twice) in one statement, then throws for the first that was not
    /// updated: its generation is gone, it is invalid, or (fenced) another worker holds it.
    private static func updateRows(
        _ db: PostgresConnection, _ results: ArraySlice<ItemResult>, fence: LeaseOwner?, now: String
    ) throws {
        // Fenced: each row must still be this worker's (not rescued and claimed by another since).
        let updated = try db.query(
            """
            UPDATE items AS i SET state = r.state, attempts = r.attempts, last_http_status = r.http_status,
                                  error_code = r.error_code, error_message = r.message, latency_ms = r.latency_ms,
                                  updated_at = \(now)
            FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::text[], $5::integer[], $6::integer[],
                        $7::text[], $8::text[], $9::float8[])
                 AS r(run_id, seq, generation, state, attempts, http_status, error_code, message, latency_ms)
            WHERE i.run_id = r.run_id AND i.seq = r.seq AND i.generation = r.generation AND i.state <> 'invalid'
              AND ($10::text IS NULL OR i.claimed_by = $10)
            RETURNING i.run_id, i.seq, i.generation
            """,
            [
                PostgresArray(results.map(\.runID)), PostgresArray(results.map(\.seq)),
                PostgresArray(results.map(\.generation)), PostgresArray(results.map(\.state.rawValue)),
                PostgresArray(results.map(\.attempts)), PostgresArray(results.map(\.httpStatus)),
                PostgresArray(results.map(\.errorCode)), PostgresArray(results.map(\.message)),
                PostgresArray(results.map(\.latencyMilliseconds)), fence?.token,
            ] as [any PostgresBindable])
        guard updated.rowCount != results.count else { return }
        var written: Set<RowKey> = []
        for row in 0..<updated.rowCount {
            written.insert(
                RowKey(
                    runID: updated.string(row, 0) ?? "", seq: updated.int64(row, 1) ?? 0,
                    generation: Int(updated.int64(row, 2) ?? 0)))
        }
        for result in results
        where !written.contains(RowKey(runID: result.runID, seq: result.seq, generation: result.generation)) {
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

    /// Appends the attempts of `results` to the log in one statement, in order (results in turn, each
    /// result's attempts in turn), so the log's ids follow the order they were made in.
    private static func appendAttempts(_ db: PostgresConnection, _ results: ArraySlice<ItemResult>) throws {
        let rows = results.flatMap { result in result.log.map { (result, $0) } }
        guard !rows.isEmpty else { return }
        try db.query(
            """
            INSERT INTO attempts (run_id, seq, generation, attempt, phase, started_at, latency_ms, http_status,
                                  error_code, message, outcome)
            SELECT run_id, seq, generation, attempt, phase, to_timestamp(started_at), latency_ms, http_status,
                   error_code, message, outcome
            FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::integer[], $5::text[], $6::float8[],
                        $7::float8[], $8::integer[], $9::text[], $10::text[], $11::text[]) WITH ORDINALITY
                 AS a(run_id, seq, generation, attempt, phase, started_at, latency_ms, http_status, error_code,
                      message, outcome, n)
            ORDER BY n
            """,
            [
                PostgresArray(rows.map { $0.0.runID }), PostgresArray(rows.map { $0.0.seq }),
                PostgresArray(rows.map { $0.0.generation }), PostgresArray(rows.map { $0.1.attempt }),
                PostgresArray(rows.map { $0.1.phase.rawValue }), PostgresArray(rows.map { $0.1.startedAt }),
                PostgresArray(rows.map { $0.1.latencyMilliseconds }), PostgresArray(rows.map { $0.1.httpStatus }),
                PostgresArray(rows.map { $0.1.errorCode }), PostgresArray(rows.map { $0.1.message }),
                PostgresArray(rows.map { $0.1.result.rawValue }),
            ] as [any PostgresBindable])
    }
}
