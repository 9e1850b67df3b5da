import Foundation

// MARK: - Leases as worker rows: one row per process working on a run, in the server's time

extension PostgresRunStore {
    /// A worker row as read, with its ages by the server's clock.
    struct WorkerRow {
        var token: String
        var runID: String
        var jobName: String
        var host: String
        var pid: Int32
        var ttlSeconds: Double
        var startedAge: Double
        var heartbeatAge: Double
        var rowsClaimed: Int

        /// The row as a ``LeaseHolder`` of `scope`, its dates the ages before `local` (this process's now).
        func holder(_ scope: LeaseHolder.Scope, local: Date) -> LeaseHolder {
            LeaseHolder(
                scope: scope, name: scope == .job ? jobName : runID, runID: runID, pid: pid, host: host,
                acquiredAt: local.addingTimeInterval(-startedAge), heartbeatAt: local.addingTimeInterval(-heartbeatAge))
        }
    }

    public func acquireLease(
        jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double
    ) throws
        -> LeaseResult
    {
        try takeWorkerLease(jobName: jobName, runID: runID, owner: owner, ttlSeconds: ttlSeconds, sharing: false)
    }

    public func joinRun(jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double) throws -> LeaseResult {
        try takeWorkerLease(jobName: jobName, runID: runID, owner: owner, ttlSeconds: ttlSeconds, sharing: true)
    }

    /// The one place a worker row is taken: refused (``LeaseResult/heldBy(_:)``) by a live worker of the job on
    /// another run, or of the run under another job name, or (unless `sharing`) by any other live worker of the
    /// run; stale rows of the job or run are deleted (taken over), then the owner's row is written.
    private func takeWorkerLease(
        jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double, sharing: Bool
    ) throws -> LeaseResult {
        let now = self.now
        let local = clock()
        return try withConnection { db in
            try db.inTransaction {
                // One acquisition at a time, across every host; renewals and fenced writes are not blocked.
                try db.query("LOCK TABLE workers IN SHARE ROW EXCLUSIVE MODE")
                let rows = try readWorkers(db, "job_name = $1 OR run_id = $2", [jobName, runID])
                    .filter { $0.token != owner.token }
                var takenOver: [LeaseHolder] = []
                for scope in [LeaseHolder.Scope.job, .run] {
                    for row in rows where scope == .job ? row.jobName == jobName : row.runID == runID {
                        let holder = row.holder(scope, local: local)
                        let colleague = sharing && row.runID == runID && row.jobName == jobName
                        if holder.isLive(now: local, ttlSeconds: ttlSeconds, host: owner.host) {
                            if !colleague { return .heldBy(holder) }
                        } else {
                            takenOver.append(holder)
                        }
                    }
                }
                // Stale rows go; their rows in flight are left for `resume` (recoverInterrupted) or the rescuer pass
                // (rescueStaleWorkers), which turn them unknown.
                for row in rows
                where !row.holder(.run, local: local).isLive(now: local, ttlSeconds: ttlSeconds, host: owner.host) {
                    try db.query("DELETE FROM workers WHERE worker_id = $1", [row.token])
                }
                try db.query(
                    """
                    INSERT INTO workers (worker_id, run_id, job_name, host, pid, ttl_seconds, started_at, heartbeat_at)
                    VALUES ($1, $2, $3, $4, $5, $6, \(now), \(now))
                    ON CONFLICT (worker_id) DO UPDATE SET
                        run_id = excluded.run_id, job_name = excluded.job_name, host = excluded.host,
                        pid = excluded.pid, ttl_seconds = excluded.ttl_seconds, heartbeat_at = excluded.heartbeat_at
                    """,
                    [owner.token, runID, jobName, owner.host, owner.pid, ttlSeconds] as [any PostgresBindable])
                return .acquired(takenOver: takenOver)
            }
        }
    }

    public func renewLease(jobName: String, runID: String, owner: LeaseOwner) throws -> Bool {
        try withConnection { db in
            try db.query(
                "UPDATE workers SET heartbeat_at = \(now) WHERE worker_id = $1 AND run_id = $2",
                [owner.token, runID]
            ).affectedRows == 1
        }
    }

    public func releaseLease(jobName: String, runID: String, owner: LeaseOwner) throws {
        try withConnection { db in
            _ = try db.query("DELETE FROM workers WHERE worker_id = $1 AND run_id = $2", [owner.token, runID])
        }
    }

    /// The run's most recently beating worker, as its lease.
    public func runLease(runID: String) throws -> LeaseHolder? {
        let local = clock()
        return try withConnection { db in
            try readWorkers(db, "run_id = $1", [runID]).min { $0.heartbeatAge < $1.heartbeatAge }?
                .holder(.run, local: local)
        }
    }

    public func workers(runID: String) throws -> [RunWorker] {
        let local = clock()
        return try withConnection { db in
            try readWorkers(db, "run_id = $1", [runID]).map { row in
                RunWorker(
                    id: row.token, host: row.host, pid: row.pid, heartbeatAgeSeconds: row.heartbeatAge,
                    rowsClaimed: row.rowsClaimed,
                    isLive: row.holder(.run, local: local).isLive(now: local, ttlSeconds: row.ttlSeconds))
            }
        }
    }

    public func rescueStaleWorkers(runID: String) throws -> Int {
        let now = self.now
        let local = clock()
        return try withConnection { db in
            try db.inTransaction {
                try db.query("LOCK TABLE workers IN SHARE ROW EXCLUSIVE MODE")
                var rescued = 0
                for row in try readWorkers(db, "run_id = $1", [runID])
                where !row.holder(.run, local: local).isLive(now: local, ttlSeconds: row.ttlSeconds) {
                    // Its requests may have landed: unknown, reconciled before anything is sent again.
                    rescued +=
                        try db.query(
                            """
                            UPDATE items SET state = 'unknown', updated_at = \(now)
                            WHERE run_id = $1 AND state = 'in_flight' AND claimed_by = $2
                            """, [runID, row.token]
                        ).affectedRows
                    try db.query("DELETE FROM workers WHERE worker_id = $1", [row.token])
                }
                // Rows of workers whose rows were taken over by a `run`, `resume` or `work` since.
                rescued +=
                    try db.query(
                        """
                        UPDATE items SET state = 'unknown', updated_at = \(now)
                        WHERE run_id = $1 AND state = 'in_flight' AND claimed_by IS NOT NULL
                          AND claimed_by NOT IN (SELECT worker_id FROM workers WHERE run_id = $1)
                        """, [runID]
                    ).affectedRows
                return rescued
            }
        }
    }

    /// Throws ``RunStoreError/leaseLost(runID:)`` unless `owner` is a live worker of run `runID`: its row exists
    /// (nobody took it over or rescued its rows) and its heartbeat is within its TTL by the server's clock.
    /// Called inside a write transaction; the row is read `FOR SHARE`, so a takeover (which deletes it) waits
    /// until this transaction ends: a worker fenced out records nothing.
    static func requireLease(_ db: PostgresConnection, runID: String, owner: LeaseOwner, now: String) throws {
        let rows = try db.query(
            """
            SELECT 1 FROM workers
            WHERE worker_id = $1 AND run_id = $2 AND heartbeat_at >= \(now) - ttl_seconds * interval '1 second'
            FOR SHARE
            """, [owner.token, runID])
        guard rows.rowCount == 1 else { throw RunStoreError.leaseLost(runID: runID) }
    }

    /// The worker rows matching `predicate` (SQL over `workers` with `$n` parameters).
    func readWorkers(
        _ db: PostgresConnection, _ predicate: String, _ parameters: [any PostgresBindable]
    ) throws -> [WorkerRow] {
        let rows = try db.query(
            """
            SELECT worker_id, run_id, job_name, host, pid, ttl_seconds, extract(epoch FROM \(now) - started_at),
                   extract(epoch FROM \(now) - heartbeat_at), rows_claimed
            FROM workers WHERE \(predicate) ORDER BY started_at
            """, parameters)
        return (0..<rows.rowCount).map { row in
            WorkerRow(
                token: rows.string(row, 0) ?? "", runID: rows.string(row, 1) ?? "", jobName: rows.string(row, 2) ?? "",
                host: rows.string(row, 3) ?? "", pid: Int32(truncatingIfNeeded: rows.int64(row, 4) ?? 0),
                ttlSeconds: rows.double(row, 5) ?? LeaseHolder.defaultTTLSeconds, startedAge: rows.double(row, 6) ?? 0,
                heartbeatAge: rows.double(row, 7) ?? 0, rowsClaimed: Int(rows.int64(row, 8) ?? 0))
        }
    }
}
