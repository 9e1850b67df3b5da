import Foundation

// MARK: - History: the figures of a summary, the attempts log, the report's time buckets

extension PostgresRunStore: RunHistoryStore {
    /// The outcomes that make an attempt an error (see ``RunHistoryStore``).
    private static let errorOutcomes = "('permanent', 'retryable', 'unknown', 'rejected')"

    /// The bucket of `started_at` (`$2` the origin, `$3` the width), as ``RunHistoryStore`` defines it.
    private static let bucketSQL =
        "greatest(0, trunc((extract(epoch FROM started_at) - $2::float8) / $3::float8))::bigint"

    /// `started_at` at or after `$4`, or every attempt when `$4` is NULL.
    private static let sinceSQL = "($4::float8 IS NULL OR started_at >= to_timestamp($4::float8))"

    private static func groupParameters(
        runID: String, since: Date?, origin: Date, bucketSeconds: Double
    ) -> [any PostgresBindable] {
        precondition(bucketSeconds > 0, "a bucket must be wider than 0 s")
        return [runID, origin, bucketSeconds, since]
    }

    public func attemptGroups(
        runID: String, since: Date?, origin: Date, bucketSeconds: Double
    ) throws
        -> [AttemptGroup]
    {
        let sql = """
            SELECT \(Self.bucketSQL) AS b, phase, trunc(ln(latency_ms + 1) * 100)::int AS bin, count(*),
                   max(latency_ms), count(*) FILTER (WHERE http_status = 429),
                   count(*) FILTER (WHERE phase = 'send' AND attempt > 1), min(extract(epoch FROM started_at)),
                   max(extract(epoch FROM started_at) + coalesce(latency_ms, 0) / 1000.0)
            FROM attempts WHERE run_id = $1 AND \(Self.sinceSQL) GROUP BY b, phase, bin
            """
        let parameters = Self.groupParameters(runID: runID, since: since, origin: origin, bucketSeconds: bucketSeconds)
        return try withConnection { db in
            let rows = try db.query(sql, parameters)
            return (0..<rows.rowCount).compactMap { row in
                guard let phase = rows.string(row, 1).flatMap(AttemptRecord.Phase.init(rawValue:)) else { return nil }
                return AttemptGroup(
                    bucket: Int(rows.int64(row, 0) ?? 0), phase: phase, latencyBin: rows.int64(row, 2).map { Int($0) },
                    count: Int(rows.int64(row, 3) ?? 0), maxLatency: rows.double(row, 4),
                    rateLimited: Int(rows.int64(row, 5) ?? 0), retries: Int(rows.int64(row, 6) ?? 0),
                    firstStarted: rows.double(row, 7) ?? 0, lastEnded: rows.double(row, 8) ?? 0)
            }
        }
    }

    public func errorGroups(runID: String, since: Date?, origin: Date, bucketSeconds: Double) throws -> [ErrorGroup] {
        let sql = """
            SELECT \(Self.bucketSQL) AS b, phase,
                   CASE WHEN coalesce(error_code, '') <> '' THEN error_code
                        WHEN http_status IS NOT NULL THEN 'HTTP ' || http_status
                        ELSE 'no response' END AS code,
                   count(*)
            FROM attempts WHERE run_id = $1 AND \(Self.sinceSQL) AND outcome IN \(Self.errorOutcomes)
            GROUP BY b, phase, code
            """
        let parameters = Self.groupParameters(runID: runID, since: since, origin: origin, bucketSeconds: bucketSeconds)
        return try withConnection { db in
            let rows = try db.query(sql, parameters)
            return (0..<rows.rowCount).compactMap { row in
                guard let phase = rows.string(row, 1).flatMap(AttemptRecord.Phase.init(rawValue:)) else { return nil }
                return ErrorGroup(
                    bucket: Int(rows.int64(row, 0) ?? 0), phase: phase, code: rows.string(row, 2) ?? "",
                    count: Int(rows.int64(row, 3) ?? 0))
            }
        }
    }

    public func finishedRows(runID: String, origin: Date, bucketSeconds: Double) throws -> [RunTimeline.Finished] {
        precondition(bucketSeconds > 0, "a bucket must be wider than 0 s")
        return try withConnection { db in
            let rows = try db.query(
                """
                SELECT greatest(0, trunc((extract(epoch FROM updated_at) - $2::float8) / $3::float8))::bigint AS b,
                       state, count(*)
                FROM items WHERE run_id = $1 AND state IN ('succeeded', 'failed', 'skipped', 'unknown')
                GROUP BY b, state ORDER BY b, state
                """, [runID, origin, bucketSeconds] as [any PostgresBindable])
            return (0..<rows.rowCount).compactMap { row in
                guard let state = rows.string(row, 1).flatMap(ItemState.init(rawValue:)) else { return nil }
                return RunTimeline.Finished(
                    bucket: Int(rows.int64(row, 0) ?? 0), state: state, count: Int(rows.int64(row, 2) ?? 0))
            }
        }
    }

    /// Rows fetched per round trip by ``forEachAttempt(runID:orderID:_:)``'s cursor.
    static let attemptPageSize = 2000

    public func forEachAttempt(runID: String, orderID: String?, _ body: (AttemptLogLine) throws -> Void) throws {
        let sql = """
            DECLARE attempt_log NO SCROLL CURSOR FOR
            SELECT a.seq, i.order_id, a.generation, a.attempt, a.phase, extract(epoch FROM a.started_at),
                   a.latency_ms, a.http_status, a.error_code, a.message, a.outcome
            FROM attempts a JOIN items i ON i.run_id = a.run_id AND i.seq = a.seq
            WHERE a.run_id = $1\(orderID == nil ? "" : " AND i.order_id = $2")
            ORDER BY a.started_at, a.id
            """
        // A cursor inside one transaction: the server sorts once and hands out a page per round trip, so memory
        // stays flat however long the log.
        try withConnection { db in
            try db.inTransaction {
                try db.query(sql, orderID.map { [runID, $0] } ?? [runID])
                while true {
                    let rows = try db.query("FETCH \(Self.attemptPageSize) FROM attempt_log")
                    for row in 0..<rows.rowCount {
                        let seq = rows.int64(row, 0) ?? 0
                        let record = try rows.attemptRecord(row, from: 3, runID: runID, seq: seq)
                        try body(
                            AttemptLogLine(
                                seq: seq, orderID: rows.string(row, 1) ?? "", generation: Int(rows.int64(row, 2) ?? 1),
                                record: record))
                    }
                    if rows.rowCount < Self.attemptPageSize { return }
                }
            }
        }
    }
}
