import Foundation

// MARK: - Leases: one process per job and per run

extension SQLiteRunStore {
    public func acquireLease(
        jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double
    ) throws
        -> LeaseResult
    {
        let now = clock()
        return try withConnection { db in
            // IMMEDIATE: the read and the takeover happen under the write lock, so two processes racing for a
            // stale lease cannot both win.
            try db.inTransaction(.immediate) {
                var takenOver: [LeaseHolder] = []
                for (scope, name) in [(LeaseHolder.Scope.job, jobName), (.run, runID)] {
                    guard let (holder, token) = try Self.readLease(db, scope: scope, name: name),
                        token != owner.token
                    else { continue }
                    guard !holder.isLive(now: now, ttlSeconds: ttlSeconds, host: owner.host) else {
                        return .heldBy(holder)
                    }
                    takenOver.append(holder)
                }
                let upsert = try db.cachedStatement(
                    """
                    INSERT INTO leases (scope, name, run_id, token, pid, host, acquired_at, heartbeat_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
                    ON CONFLICT (scope, name) DO UPDATE SET
                        run_id = excluded.run_id, token = excluded.token, pid = excluded.pid, host = excluded.host,
                        acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at
                    """)
                for (scope, name) in [(LeaseHolder.Scope.job, jobName), (.run, runID)] {
                    try upsert.bind(scope.rawValue, at: 1)
                    try upsert.bind(name, at: 2)
                    try upsert.bind(runID, at: 3)
                    try upsert.bind(owner.token, at: 4)
                    try upsert.bind(Int64(owner.pid), at: 5)
                    try upsert.bind(owner.host, at: 6)
                    try upsert.bind(now.timeIntervalSince1970, at: 7)
                    try upsert.run()
                }
                return .acquired(takenOver: takenOver)
            }
        }
    }

    public func renewLease(jobName: String, runID: String, owner: LeaseOwner) throws -> Bool {
        let now = clock().timeIntervalSince1970
        return try withConnection { db in
            let update = try db.cachedStatement(
                """
                UPDATE leases SET heartbeat_at = ?4
                WHERE token = ?3 AND ((scope = 'job' AND name = ?1) OR (scope = 'run' AND name = ?2))
                """)
            try update.bind(jobName, at: 1)
            try update.bind(runID, at: 2)
            try update.bind(owner.token, at: 3)
            try update.bind(now, at: 4)
            try update.run()
            return db.changes == 2
        }
    }

    public func releaseLease(jobName: String, runID: String, owner: LeaseOwner) throws {
        try withConnection { db in
            let delete = try db.cachedStatement(
                """
                DELETE FROM leases
                WHERE token = ?3 AND ((scope = 'job' AND name = ?1) OR (scope = 'run' AND name = ?2))
                """)
            try delete.bind(jobName, at: 1)
            try delete.bind(runID, at: 2)
            try delete.bind(owner.token, at: 3)
            try delete.run()
        }
    }

    public func runLease(runID: String) throws -> LeaseHolder? {
        try withConnection { db in try Self.readLease(db, scope: .run, name: runID)?.0 }
    }

    /// Throws ``RunStoreError/leaseLost(runID:)`` unless `owner` holds the lease on run `runID`. Called
    /// inside a write transaction, so the check and the write it guards are one atomic step: a process
    /// whose lease was taken over records nothing.
    static func requireLease(_ db: SQLiteConnection, runID: String, owner: LeaseOwner) throws {
        guard let (_, token) = try readLease(db, scope: .run, name: runID), token == owner.token else {
            throw RunStoreError.leaseLost(runID: runID)
        }
    }

    /// The stored lease on `scope`/`name` and its owner's token, or nil.
    static func readLease(
        _ db: SQLiteConnection, scope: LeaseHolder.Scope, name: String
    ) throws
        -> (LeaseHolder, String)?
    {
        let select = try db.cachedStatement(
            """
            SELECT run_id, token, pid, host, acquired_at, heartbeat_at FROM leases WHERE scope = ?1 AND name = ?2
            """)
        defer { select.reset() }
        try select.bind(scope.rawValue, at: 1)
        try select.bind(name, at: 2)
        guard try select.step() else { return nil }
        let holder = LeaseHolder(
            scope: scope, name: name, runID: select.string(at: 0) ?? "",
            pid: Int32(truncatingIfNeeded: select.int64(at: 2)),
            host: select.string(at: 3) ?? "", acquiredAt: Date(timeIntervalSince1970: select.double(at: 4)),
            heartbeatAt: Date(timeIntervalSince1970: select.double(at: 5)))
        return (holder, select.string(at: 1) ?? "")
    }

    // MARK: - Workers: one per run with SQLite

    public var supportsWorkers: Bool { false }

    /// One process per run: the same as ``acquireLease(jobName:runID:owner:ttlSeconds:)``.
    public func joinRun(jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double) throws -> LeaseResult {
        try acquireLease(jobName: jobName, runID: runID, owner: owner, ttlSeconds: ttlSeconds)
    }

    /// The process holding the run's lease, if any, with its rows in flight.
    public func workers(runID: String) throws -> [RunWorker] {
        guard let holder = try runLease(runID: runID) else { return [] }
        let now = clock()
        return [
            RunWorker(
                id: "", host: holder.host, pid: holder.pid,
                heartbeatAgeSeconds: now.timeIntervalSince(holder.heartbeatAt),
                rowsClaimed: try counts(runID: runID).inFlight, isLive: holder.isLive(now: now))
        ]
    }

    /// Nothing to rescue: a run has one process, and `resume` recovers what it left.
    public func rescueStaleWorkers(runID: String) throws -> Int { 0 }
}
