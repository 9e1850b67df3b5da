import Foundation

// MARK: - History: the figures of a summary, the attempts log, the report's time buckets

extension SQLiteRunStore: RunHistoryStore {
    /// `started_at >= ?` with nothing excluded, for a call without `since`.
    private static let beginningOfTime = -1e300

    /// The outcomes that make an attempt an error (see ``RunHistoryStore``).
    private static let errorOutcomes = "('permanent', 'retryable', 'unknown', 'rejected')"

    /// The run's key (`runs.key`) for its text id `?1`: NULL, matching nothing, for no such run.
    private static let runKeySQL = "(SELECT key FROM runs WHERE id = ?1)"

    /// The phases in the order their index is packed into a group key.
    private static let phases: [AttemptRecord.Phase] = [.preflight, .send, .reconcile]

    /// `CASE phase …`: the phase's index in ``phases``.
    private static let phaseIndexSQL = "(CASE phase WHEN 'preflight' THEN 0 WHEN 'send' THEN 1 ELSE 2 END)"

    /// A latency bin as ``RunHistoryStore`` defines it; the sentinel 4095 for no latency (a real bin stays
    /// below 4095 for any latency under 10^17 ms).
    private static let binSQL = "coalesce(CAST(ln(latency_ms + 1) * 100 AS INTEGER), 4095)"

    /// The bucket of `started_at` (`?2` the origin, `?3` the width).
    private static let bucketSQL = "max(0, CAST((started_at - ?2) / ?3 AS INTEGER))"

    /// Binds the run, origin, width and `since` of the group queries.
    private static func bindGroupQuery(
        _ statement: SQLiteStatement, runID: String, since: Date?, origin: Date, bucketSeconds: Double
    ) throws {
        precondition(bucketSeconds > 0, "a bucket must be wider than 0 s")
        try statement.bind(runID, at: 1)
        try statement.bind(origin.timeIntervalSince1970, at: 2)
        try statement.bind(bucketSeconds, at: 3)
        try statement.bind(since?.timeIntervalSince1970 ?? beginningOfTime, at: 4)
    }

    public func attemptGroups(
        runID: String, since: Date?, origin: Date, bucketSeconds: Double
    ) throws
        -> [AttemptGroup]
    {
        // One integer key packs (bucket, phase, bin): SQLite groups by sorting, and sorting integers is what
        // keeps a report of two million attempts within seconds. `+run_key` reads the table in its own order
        // (the order attempts were recorded) rather than through the per-row index. The first sends kept on
        // their rows (`items.sent_at`: phase send, attempt 1) are grouped the same way, and the two merged.
        let sentAtBucket = Self.bucketSQL.replacingOccurrences(of: "started_at", with: "sent_at")
        let sql = """
            SELECT k, sum(n), max(l), sum(r), sum(t), min(f), max(e) FROM (
                SELECT (\(Self.bucketSQL) * 4 + \(Self.phaseIndexSQL)) * 4096 + \(Self.binSQL) AS k, count(*) AS n,
                       max(latency_ms) AS l, sum(http_status = 429) AS r, sum(phase = 'send' AND attempt > 1) AS t,
                       min(started_at) AS f, max(started_at + coalesce(latency_ms, 0) / 1000.0) AS e
                FROM attempts WHERE +run_key = \(Self.runKeySQL) AND started_at >= ?4 GROUP BY k
                UNION ALL
                SELECT (\(sentAtBucket) * 4 + 1) * 4096 + \(Self.binSQL), count(*), max(latency_ms),
                       sum(last_http_status = 429), 0, min(sent_at), max(sent_at + coalesce(latency_ms, 0) / 1000.0)
                FROM items WHERE run_key = \(Self.runKeySQL) AND sent_at >= ?4 GROUP BY 1)
            GROUP BY k
            """
        return try withConnection { db in
            let statement = try db.cachedStatement(sql)
            defer { statement.reset() }
            try Self.bindGroupQuery(statement, runID: runID, since: since, origin: origin, bucketSeconds: bucketSeconds)
            var groups: [AttemptGroup] = []
            while try statement.step() {
                let key = statement.int64(at: 0)
                let bin = Int(key % 4096)
                groups.append(
                    AttemptGroup(
                        bucket: Int(key / 16384), phase: Self.phases[Int(key / 4096 % 4)],
                        latencyBin: bin == 4095 ? nil : bin, count: Int(statement.int64(at: 1)),
                        maxLatency: statement.optionalDouble(at: 2), rateLimited: Int(statement.int64(at: 3)),
                        retries: Int(statement.int64(at: 4)), firstStarted: statement.double(at: 5),
                        lastEnded: statement.double(at: 6)))
            }
            return groups
        }
    }

    public func errorGroups(runID: String, since: Date?, origin: Date, bucketSeconds: Double) throws -> [ErrorGroup] {
        let sql = """
            SELECT \(Self.bucketSQL) * 4 + \(Self.phaseIndexSQL) AS k,
                   CASE WHEN coalesce(error_code, '') <> '' THEN error_code
                        WHEN http_status IS NOT NULL THEN 'HTTP ' || http_status
                        ELSE 'no response' END AS code,
                   count(*)
            FROM attempts
            WHERE +run_key = \(Self.runKeySQL) AND started_at >= ?4 AND outcome IN \(Self.errorOutcomes)
            GROUP BY k, code
            """
        return try withConnection { db in
            let statement = try db.cachedStatement(sql)
            defer { statement.reset() }
            try Self.bindGroupQuery(statement, runID: runID, since: since, origin: origin, bucketSeconds: bucketSeconds)
            var groups: [ErrorGroup] = []
            while try statement.step() {
                let key = statement.int64(at: 0)
                groups.append(
                    ErrorGroup(
                        bucket: Int(key / 4), phase: Self.phases[Int(key % 4)], code: statement.string(at: 1) ?? "",
                        count: Int(statement.int64(at: 2))))
            }
            return groups
        }
    }

    public func finishedRows(runID: String, origin: Date, bucketSeconds: Double) throws -> [RunTimeline.Finished] {
        precondition(bucketSeconds > 0, "a bucket must be wider than 0 s")
        return try withConnection { db in
            let statement = try db.cachedStatement(
                """
                SELECT max(0, CAST((updated_at - ?2) / ?3 AS INTEGER)) AS b, state, count(*) FROM items
                WHERE run_key = \(Self.runKeySQL) AND state IN ('succeeded', 'failed', 'skipped', 'unknown')
                GROUP BY b, state ORDER BY b, state
                """)
            defer { statement.reset() }
            try statement.bind(runID, at: 1)
            try statement.bind(origin.timeIntervalSince1970, at: 2)
            try statement.bind(bucketSeconds, at: 3)
            var rows: [RunTimeline.Finished] = []
            while try statement.step() {
                guard let state = statement.string(at: 1).flatMap(ItemState.init(rawValue:)) else { continue }
                rows.append(
                    RunTimeline.Finished(
                        bucket: Int(statement.int64(at: 0)), state: state, count: Int(statement.int64(at: 2))))
            }
            return rows
        }
    }

    public func forEachAttempt(runID: String, orderID: String?, _ body: (AttemptLogLine) throws -> Void) throws {
        // The first sends kept on their rows (`items.sent_at`) come after the logged attempts that started at
        // the same moment; they carry no error (see ``RunHistoryStore``), so errorGroups reads `attempts` alone.
        let byOrder = orderID == nil ? "" : " AND i.order_id = ?2"
        let sql = """
            SELECT seq, order_id, generation, attempt, phase, started_at, latency_ms, http_status, error_code,
                   message, outcome
            FROM (SELECT a.id AS o, a.seq, i.order_id, a.generation, a.attempt, a.phase, a.started_at, a.latency_ms,
                         a.http_status, a.error_code, a.message, a.outcome
                  FROM attempts a JOIN items i ON i.run_key = a.run_key AND i.seq = a.seq
                  WHERE a.run_key = \(Self.runKeySQL)\(byOrder)
                  UNION ALL
                  SELECT 9223372036854775807, i.seq, i.order_id, i.generation, 1, 'send', i.sent_at, i.latency_ms,
                         i.last_http_status, i.error_code, i.error_message, 'succeeded'
                  FROM items i WHERE i.run_key = \(Self.runKeySQL) AND i.sent_at IS NOT NULL\(byOrder))
            ORDER BY started_at, o, seq
            """
        // One statement stepped to its end: SQLite sorts the run's attempts once (spilling to temporary files
        // past its cache), then hands them out one by one. Paging with `LIMIT` would sort them again for every
        // page, as `attempts` has no index by time.
        try withConnection { db in
            let statement = try db.cachedStatement(sql)
            defer { statement.reset() }
            try statement.bind(runID, at: 1)
            if let orderID { try statement.bind(orderID, at: 2) }
            while try statement.step() {
                let seq = statement.int64(at: 0)
                let record = try statement.attemptRecord(from: 3, runID: runID, seq: seq)
                try body(
                    AttemptLogLine(
                        seq: seq, orderID: statement.string(at: 1) ?? "", generation: Int(statement.int64(at: 2)),
                        record: record))
            }
        }
    }
}
