import Foundation

// MARK: - Leases: one process per job and per run, in the server's time

extension PostgresRunStore {
    public func acquireLease(
        jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double
    ) throws
        -> LeaseResult
    {
        let now = self.now
        let local = clock()
        return try withConnection { db in
            try db.inTransaction {
                // One acquisition at a time, across every host: the read and the takeover cannot interleave with
                // another's (renewals and fenced writes are not blocked by this mode's lock on each other).
                try db.query("LOCK TABLE leases IN SHARE ROW EXCLUSIVE MODE")
                var takenOver: [LeaseHolder] = []
                for (scope, name) in [(LeaseHolder.Scope.job, jobName), (.run, runID)] {
                    guard let (holder, token) = try readLease(db, scope: scope, name: name, local: local),
                        token != owner.token
                    else { continue }
                    guard !holder.isLive(now: local, ttlSeconds: ttlSeconds, host: owner.host) else {
                        return .heldBy(holder)
                    }
                    takenOver.append(holder)
                }
                for (scope, name) in [(LeaseHolder.Scope.job, jobName), (.run, runID)] {
                    try db.query(
                        """
                        INSERT INTO leases (scope, name, run_id, token, pid, host, acquired_at, heartbeat_at)
                        VALUES ($1, $2, $3, $4, $5, $6, \(now), \(now))
                        ON CONFLICT (scope, name) DO UPDATE SET
                            run_id = excluded.run_id, token = excluded.token, pid = excluded.pid,
                            host = excluded.host, acquired_at = excluded.acquired_at,
                            heartbeat_at = excluded.heartbeat_at
                        """,
                        [scope.rawValue, name, runID, owner.token, owner.pid, owner.host] as [any PostgresBindable])
                }
                return .acquired(takenOver: takenOver)
            }
        }
    }

    public func renewLease(jobName: String, runID: String, owner: LeaseOwner) throws -> Bool {
        try withConnection { db in
            try db.query(
                """
                UPDATE leases SET heartbeat_at = \(now)
                WHERE token = $3 AND ((scope = 'job' AND name = $1) OR (scope = 'run' AND name = $2))
                """, [jobName, runID, owner.token]
            ).affectedRows == 2
        }
    }

    public func releaseLease(jobName: String, runID: String, owner: LeaseOwner) throws {
        try withConnection { db in
            _ = try db.query(
                """
                DELETE FROM leases
                WHERE token = $3 AND ((scope = 'job' AND name = $1) OR (scope = 'run' AND name = $2))
                """, [jobName, runID, owner.token])
        }
    }

    public func runLease(runID: String) throws -> LeaseHolder? {
        let local = clock()
        return try withConnection { db in try readLease(db, scope: .run, name: runID, local: local)?.0 }
    }

    /// Throws ``RunStoreError/leaseLost(runID:)`` unless `owner` holds the lease on run `runID`. Called
    /// inside a write transaction; the lease row is read `FOR SHARE`, so a takeover (an UPDATE of that row)
    /// waits until this transaction ends: a process whose lease was taken over records nothing.
    static func requireLease(_ db: PostgresConnection, runID: String, owner: LeaseOwner) throws {
        let rows = try db.query(
            "SELECT 1 FROM leases WHERE scope = 'run' AND name = $1 AND token = $2 FOR SHARE", [runID, owner.token])
        guard rows.rowCount == 1 else { throw RunStoreError.leaseLost(runID: runID) }
    }

    /// The stored lease on `scope`/`name` and its owner's token, or nil.
    ///
    /// The server says how old the heartbeat is by its own clock; the holder's dates are that age before
    /// `local` (this process's now), so ``LeaseHolder/isLive(now:ttlSeconds:host:)`` compares like with like
    /// whatever the two clocks say.
    func readLease(
        _ db: PostgresConnection, scope: LeaseHolder.Scope, name: String, local: Date
    ) throws
        -> (LeaseHolder, String)?
    {
        let rows = try db.query(
            """
            SELECT run_id, token, pid, host, extract(epoch FROM \(now) - acquired_at),
                   extract(epoch FROM \(now) - heartbeat_at)
            FROM leases WHERE scope = $1 AND name = $2
            """, [scope.rawValue, name])
        guard rows.rowCount == 1 else { return nil }
        let holder = LeaseHolder(
            scope: scope, name: name, runID: rows.string(0, 0) ?? "",
            pid: Int32(truncatingIfNeeded: rows.int64(0, 2) ?? 0), host: rows.string(0, 3) ?? "",
            acquiredAt: local.addingTimeInterval(-(rows.double(0, 4) ?? 0)),
            heartbeatAt: local.addingTimeInterval(-(rows.double(0, 5) ?? 0)))
        return (holder, rows.string(0, 1) ?? "")
    }
}
