import Foundation

// MARK: - History: the figures of a summary, the attempts log, the report's time buckets

extension SQLiteRunStore: RunHistoryStore {
    /// `started_at >= ?2` with nothing excluded, for a call without `since`.
    private static let beginningOfTime = -1e300

    /// The outcomes that make an attempt an error (see ``RunHistoryStore``).
    private static let errorOutcomes = "('permanent', 'retryable', 'unknown', 'rejected')"

    /// An attempt's error code as ``RunHistoryStore`` defines it.
    private static let errorCodeSQL = """
        CASE WHEN coalesce(error_code, '') <> '' THEN error_code
             WHEN http_status IS NOT NULL THEN 'HTTP ' || http_status
             ELSE 'no response' END
        """

    /// The nearest-rank percentiles (and the maximum) of `latency_ms` per `key` over `source`, which must
    /// yield the columns `key` and `latency_ms`: one sort by the database, whatever the number of rows.
    private static func percentilesSQL(key: String, source: String) -> String {
        """
        SELECT \(key), max(CASE WHEN r = (n * 50 + 99) / 100 THEN latency_ms END),
               max(CASE WHEN r = (n * 90 + 99) / 100 THEN latency_ms END),
               max(CASE WHEN r = (n * 99 + 99) / 100 THEN latency_ms END),
               max(latency_ms)
        FROM (SELECT \(key), latency_ms,
                     row_number() OVER (PARTITION BY \(key) ORDER BY latency_ms) AS r,
                     count(*) OVER (PARTITION BY \(key)) AS n
              FROM (\(source)) WHERE latency_ms IS NOT NULL)
        GROUP BY \(key)
        """
    }

    private static func percentiles(_ row: SQLiteStatement) -> LatencyPercentiles {
        LatencyPercentiles(
            p50: row.double(at: 1), p90: row.double(at: 2), p99: row.double(at: 3), max: row.double(at: 4))
    }

    public func requestStatistics(runID: String, since: Date?, topErrors: Int) throws -> RequestStatistics {
        let from = since?.timeIntervalSince1970 ?? Self.beginningOfTime
        let window = "FROM attempts WHERE run_id = ?1 AND started_at >= ?2"
        return try withConnection { db in
            var statistics = RequestStatistics()
            func bound(_ sql: String) throws -> SQLiteStatement {
                let statement = try db.cachedStatement(sql)
                try statement.bind(runID, at: 1)
                try statement.bind(from, at: 2)
                return statement
            }
            func phase(_ text: String?) throws -> AttemptRecord.Phase {
                guard let phase = text.flatMap(AttemptRecord.Phase.init(rawValue:)) else {
                    throw RunStoreError.corruptRow(runID: runID, seq: 0, detail: "an attempt has an unknown phase")
                }
                return phase
            }

            let counts = try bound(
                """
                SELECT phase, count(*), sum(http_status = 429), min(started_at),
                       max(started_at + coalesce(latency_ms, 0) / 1000.0)
                \(window) GROUP BY phase
                """)
            defer { counts.reset() }
            var first: Double?
            var last: Double?
            while try counts.step() {
                statistics.phases[try phase(counts.string(at: 0))] = PhaseStatistics(
                    requests: Int(counts.int64(at: 1)), latency: nil)
                statistics.rateLimited += Int(counts.int64(at: 2))
                first = min(first ?? .infinity, counts.double(at: 3))
                last = max(last ?? -.infinity, counts.double(at: 4))
            }
            statistics.firstStartedAt = first.map { Date(timeIntervalSince1970: $0) }
            statistics.lastEndedAt = last.map { Date(timeIntervalSince1970: $0) }
            guard statistics.requests > 0 else { return statistics }

            let latency = try bound(Self.percentilesSQL(key: "phase", source: "SELECT phase, latency_ms \(window)"))
            defer { latency.reset() }
            while try latency.step() {
                statistics.phases[try phase(latency.string(at: 0))]?.latency = Self.percentiles(latency)
            }

            let errors = try bound(
                """
                SELECT \(Self.errorCodeSQL) AS code, count(*) AS n \(window) AND outcome IN \(Self.errorOutcomes)
                GROUP BY code ORDER BY n DESC, code
                """)
            defer { errors.reset() }
            while try errors.step() {
                let count = Int(errors.int64(at: 1))
                statistics.errors += count
                if statistics.topErrors.count < topErrors {
                    statistics.topErrors.append(ErrorCount(code: errors.string(at: 0) ?? "", count: count))
                }
            }
            return statistics
        }
    }

    public func forEachAttempt(runID: String, orderID: String?, _ body: (AttemptLogLine) throws -> Void) throws {
        let sql = """
            SELECT a.seq, i.order_id, a.generation, a.attempt, a.phase, a.started_at, a.latency_ms, a.http_status,
                   a.error_code, a.message, a.outcome
            FROM attempts a JOIN items i ON i.run_id = a.run_id AND i.seq = a.seq
            WHERE a.run_id = ?1\(orderID == nil ? "" : " AND i.order_id = ?2")
            ORDER BY a.started_at, a.id
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
                guard let phase = statement.string(at: 4).flatMap(AttemptRecord.Phase.init(rawValue:)),
                    let result = statement.string(at: 10).flatMap(AttemptRecord.Result.init(rawValue:))
                else {
                    throw RunStoreError.corruptRow(
                        runID: runID, seq: seq, detail: "an attempt has an unknown phase or outcome")
                }
                let record = AttemptRecord(
                    attempt: Int(statement.int64(at: 3)), phase: phase,
                    startedAt: Date(timeIntervalSince1970: statement.double(at: 5)),
                    latencyMilliseconds: statement.optionalDouble(at: 6), httpStatus: statement.optionalInt(at: 7),
                    errorCode: statement.string(at: 8), message: statement.string(at: 9), result: result)
                try body(
                    AttemptLogLine(
                        seq: seq, orderID: statement.string(at: 1) ?? "", generation: Int(statement.int64(at: 2)),
                        record: record))
            }
        }
    }

    public func timeline(runID: String, origin: Date, bucketSeconds: Double) throws -> RunTimeline {
        precondition(bucketSeconds > 0, "a bucket must be wider than 0 s")
        let bucket = "max(0, CAST((started_at - ?2) / ?3 AS INTEGER))"
        let attempts = "SELECT \(bucket) AS b, * FROM attempts WHERE run_id = ?1"
        return try withConnection { db in
            var timeline = RunTimeline(origin: origin, bucketSeconds: bucketSeconds)
            func bound(_ sql: String) throws -> SQLiteStatement {
                let statement = try db.cachedStatement(sql)
                try statement.bind(runID, at: 1)
                try statement.bind(origin.timeIntervalSince1970, at: 2)
                try statement.bind(bucketSeconds, at: 3)
                return statement
            }

            let counts = try bound(
                """
                SELECT b, count(*), sum(http_status = 429), sum(phase = 'send' AND attempt > 1)
                FROM (\(attempts)) GROUP BY b ORDER BY b
                """)
            defer { counts.reset() }
            while try counts.step() {
                timeline.requests.append(
                    RunTimeline.Requests(
                        bucket: Int(counts.int64(at: 0)), requests: Int(counts.int64(at: 1)),
                        rateLimited: Int(counts.int64(at: 2)), retries: Int(counts.int64(at: 3)), latency: nil))
            }
            let index = Dictionary(
                uniqueKeysWithValues: timeline.requests.enumerated().map { ($0.element.bucket, $0.offset) })
            let latency = try bound(Self.percentilesSQL(key: "b", source: attempts))
            defer { latency.reset() }
            while try latency.step() {
                if let at = index[Int(latency.int64(at: 0))] {
                    timeline.requests[at].latency = Self.percentiles(latency)
                }
            }

            let errors = try bound(
                """
                SELECT b, code, count(*) FROM (SELECT b, \(Self.errorCodeSQL) AS code FROM (\(attempts))
                                              WHERE outcome IN \(Self.errorOutcomes))
                GROUP BY b, code ORDER BY b, code
                """)
            defer { errors.reset() }
            while try errors.step() {
                timeline.errors.append(
                    RunTimeline.Errors(
                        bucket: Int(errors.int64(at: 0)), code: errors.string(at: 1) ?? "",
                        count: Int(errors.int64(at: 2))))
            }

            let finished = try bound(
                """
                SELECT max(0, CAST((updated_at - ?2) / ?3 AS INTEGER)) AS b, state, count(*) FROM items
                WHERE run_id = ?1 AND state IN ('succeeded', 'failed', 'skipped', 'unknown')
                GROUP BY b, state ORDER BY b, state
                """)
            defer { finished.reset() }
            while try finished.step() {
                guard let state = finished.string(at: 1).flatMap(ItemState.init(rawValue:)) else { continue }
                timeline.finished.append(
                    RunTimeline.Finished(
                        bucket: Int(finished.int64(at: 0)), state: state, count: Int(finished.int64(at: 2))))
            }
            return timeline
        }
    }
}
