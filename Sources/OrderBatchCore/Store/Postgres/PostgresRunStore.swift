import Foundation

/// The ``RunStore`` on a PostgreSQL database, which processes on several hosts can share.
///
/// The same tables, states and promises as ``SQLiteRunStore``, with these differences:
/// - **Time is the server's.** Heartbeats, lease expiry, claims and row timestamps use the server's `now()`,
///   so workers on hosts whose clocks disagree still agree on whether a lease is stale.
/// - **Claims skip locked rows** (`SELECT … FOR UPDATE SKIP LOCKED`): two processes claiming from one run
///   never wait for each other and never take the same row; each claimed row carries the claimer's token
///   (`claimed_by`) and the server time (`claimed_at`).
/// - **Fencing** is checked in the claim's and the record's transaction: the lease row is read `FOR SHARE`,
///   so a takeover (which updates it) waits until the write it would fence has committed or rolled back.
/// - **Health**: there is no file to move; ``checkStorage()`` asks the server a trivial question, and a lost
///   connection ends the run as a full disk does with SQLite (exit 3, resumable once the server answers).
///
/// One connection, confined behind a lock, as SQLite's: calls are synchronous and block until the server
/// answers, so async code reaches the store through ``RunStoreActor``, on a thread of its own.
///
/// ```swift
/// let store = try PostgresRunStore(url: try PostgresURL("postgresql://orderbatch@db1:5432/orderbatch"))
/// defer { try? store.close() }
/// ```
public final class PostgresRunStore: RunStore, Sendable {
    /// The schema version this build writes and understands.
    public static var schemaVersion: Int { PostgresSchema.currentVersion }

    /// Several workers may share a run.
    public var supportsWorkers: Bool { true }

    /// The database.
    public let url: PostgresURL
    /// The one connection; nil once closed.
    private let connection: Locked<PostgresConnection?>
    /// This process's clock; used only to turn the server's ages (now − heartbeat) into dates a
    /// ``LeaseHolder`` compares with this clock, and, when a test moves it, as the store's "now".
    let clock: @Sendable () -> Date
    /// Whether ``clock`` is a test's (then it replaces the server's time).
    private let clockIsShifted: Bool

    /// Connects to `url`, creating the schema if needed and applying missing migrations.
    ///
    /// - Parameters:
    ///   - url: The server and database (the user must be allowed to create tables in its schema the first time).
    ///   - createTables: Whether to create orderbatch's tables in a database that has none (`run` does;
    ///     `status`, `report` and `cancel` refuse such a database instead).
    ///   - clock: For tests: the store's "now" becomes this clock's time instead of the server's `now()`, so a
    ///     test can age a lease without waiting. Leave nil otherwise.
    /// - Throws: ``PostgresError`` when the server cannot be reached or refuses the login;
    ///   ``RunStoreError/schemaTooNew(path:found:supported:)`` when a newer orderbatch wrote it;
    ///   ``RunStoreError/noTables(location:)`` when `createTables` is false and the database has none.
    public init(url: PostgresURL, createTables: Bool = true, clock: (@Sendable () -> Date)? = nil) throws {
        self.url = url
        self.clock = clock ?? { Date() }
        self.clockIsShifted = clock != nil
        let db = try PostgresConnection(url: url)
        do {
            if !createTables,
                try db.query("SELECT to_regclass('schema_version') IS NULL").bool(0, 0) == true
            {
                throw RunStoreError.noTables(location: url.display)
            }
            try Self.migrate(db, url: url)
        } catch {
            db.close()
            throw error
        }
        connection = Locked(db)
    }

    /// Closes the connection. Later calls fail. Calling it again does nothing.
    public func close() throws {
        connection.withLock { connection in
            connection?.close()
            connection = nil
        }
    }

    /// Runs `body` with the connection while holding the lock.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try connection.withLock { connection in
            guard let connection else {
                throw PostgresError(sqlState: nil, message: "the store is closed", context: "using \(url.display)")
            }
            return try body(connection)
        }
    }

    /// The SQL for "now" in this store: the server's `now()` (the transaction's start); with a test's clock,
    /// that clock's time instead (a number this process computed, never input text).
    var now: String {
        guard clockIsShifted else { return "now()" }
        return "to_timestamp(\(clock().timeIntervalSince1970)::float8)"
    }

    // MARK: - Migrations

    /// Applies the missing migrations, each in its own transaction under an advisory lock on this schema,
    /// or refuses a newer schema.
    private static func migrate(_ db: PostgresConnection, url: PostgresURL) throws {
        try createNamedSchema(db)
        let current = PostgresSchema.currentVersion
        let lock = "SELECT pg_advisory_xact_lock(hashtext('orderbatch-schema:' || current_schema()))"
        func version() throws -> Int {
            Int(try db.query("SELECT coalesce(max(version), 0) FROM schema_version").int64(0, 0) ?? 0)
        }
        while true {
            let done = try db.inTransaction { () throws -> Bool in
                try db.query(lock)
                try db.execute(PostgresSchema.versionTable)
                let seen = try version()
                if seen > current { throw RunStoreError.schemaTooNew(path: url.text, found: seen, supported: current) }
                guard seen < current else { return true }
                let migration = PostgresSchema.migrations[seen]
                try db.execute(migration.sql)
                try db.query(
                    "INSERT INTO schema_version (version, description) VALUES ($1, $2)",
                    [migration.version, migration.description])
                return false
            }
            if done { return }
        }
    }

    /// Creates the schema the URL's `search_path` names first (`?options=-csearch_path%3Dorderbatch`) when it
    /// does not exist yet, so that a new schema needs no step of its own; does nothing when the current
    /// schema exists (the default `public` does).
    private static func createNamedSchema(_ db: PostgresConnection) throws {
        try db.inTransaction {
            try db.query("SELECT pg_advisory_xact_lock(hashtext('orderbatch-schema-create'))")
            let rows = try db.query(
                """
                SELECT current_schema() IS NULL,
                       trim(both ' "' FROM split_part(current_setting('search_path'), ',', 1))
                """)
            guard rows.bool(0, 0) == true, let name = rows.string(0, 1), !name.isEmpty, name != "$user" else { return }
            let create = try db.query("SELECT format('CREATE SCHEMA IF NOT EXISTS %I', $1::text)", [name])
            if let sql = create.string(0, 0) { try db.execute(sql) }
        }
    }

    /// The schema version recorded in the database (the highest row of `schema_version`).
    public func schemaVersionApplied() throws -> Int {
        try withConnection { Int(try $0.query("SELECT max(version) FROM schema_version").int64(0, 0) ?? 0) }
    }

    // MARK: - Runs

    /// The columns of a run, timestamps as seconds since 1970.
    static let runColumns = """
        id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json, state, state_reason,
        extract(epoch FROM created_at), extract(epoch FROM started_at), extract(epoch FROM finished_at),
        extract(epoch FROM updated_at)
        """

    public func createRun(_ run: NewRun) throws {
        try withConnection { db in
            do {
                try db.query(
                    """
                    INSERT INTO runs (id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                                      state, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ingesting', to_timestamp($9::float8), \(now))
                    """,
                    [
                        run.id, run.jobName, run.jobPath, run.jobText, run.provider, run.inputPath, run.inputSHA256,
                        run.optionsJSON, run.createdAt,
                    ])
            } catch let error as PostgresError where error.isUniqueViolation {
                throw RunStoreError.duplicateRun(run.id)
            }
        }
    }

    public func run(id: String) throws -> RunRecord? {
        try queryRuns("SELECT \(Self.runColumns) FROM runs WHERE id = $1", [id]).first
    }

    public func recentRuns(limit: Int) throws -> [RunRecord] {
        try queryRuns("SELECT \(Self.runColumns) FROM runs ORDER BY created_at DESC, ord DESC LIMIT $1", [limit])
    }

    public func latestRun(jobName: String) throws -> RunRecord? {
        try queryRuns(
            "SELECT \(Self.runColumns) FROM runs WHERE job_name = $1 ORDER BY created_at DESC, ord DESC LIMIT 1",
            [jobName]
        ).first
    }

    public func previousRun(jobName: String, inputSHA256: String) throws -> RunRecord? {
        try queryRuns(
            """
            SELECT \(Self.runColumns) FROM runs
            WHERE job_name = $1 AND input_sha256 = $2 AND state IN ('ingesting', 'ready', 'running', 'stopped', 'finished')
            ORDER BY created_at DESC, ord DESC LIMIT 1
            """, [jobName, inputSHA256]
        ).first
    }

    public func setRunState(id: String, _ state: RunState, reason: String?) throws {
        try withConnection { db in
            let changed = try db.query(
                """
                UPDATE runs SET
                    state = $2, state_reason = $3, updated_at = \(now),
                    started_at = CASE WHEN $2 = 'running' THEN coalesce(started_at, \(now)) ELSE started_at END,
                    finished_at = CASE WHEN $2 IN ('finished', 'failed_ingest', 'canceled') THEN \(now)
                                       WHEN $2 = 'running' THEN NULL
                                       ELSE finished_at END
                WHERE id = $1
                """, [id, state.rawValue, reason]
            ).affectedRows
            guard changed == 1 else { throw RunStoreError.unknownRun(id) }
        }
    }

    public func openRuns(jobName: String) throws -> [RunRecord] {
        try queryRuns(
            """
            SELECT \(Self.runColumns) FROM runs
            WHERE job_name = $1 AND state IN ('ingesting', 'ready', 'running', 'stopped')
            ORDER BY created_at DESC, ord DESC
            """, [jobName])
    }

    /// Runs a runs query.
    func queryRuns(_ sql: String, _ parameters: [any PostgresBindable]) throws -> [RunRecord] {
        try withConnection { db in
            let rows = try db.query(sql, parameters)
            return try (0..<rows.rowCount).map { try Self.runRecord(rows, $0) }
        }
    }

    /// Reads a row of ``runColumns``.
    private static func runRecord(_ rows: PostgresResult, _ row: Int) throws -> RunRecord {
        let id = rows.string(row, 0) ?? ""
        let stateText = rows.string(row, 8) ?? ""
        guard let state = RunState(rawValue: stateText) else {
            throw RunStoreError.corruptRow(runID: id, seq: 0, detail: "unknown run state '\(stateText)'")
        }
        func date(_ column: Int) -> Date? { rows.double(row, column).map { Date(timeIntervalSince1970: $0) } }
        return RunRecord(
            id: id, jobName: rows.string(row, 1) ?? "", jobPath: rows.string(row, 2) ?? "",
            jobText: rows.string(row, 3) ?? "", provider: rows.string(row, 4) ?? "",
            inputPath: rows.string(row, 5) ?? "", inputSHA256: rows.string(row, 6) ?? "",
            optionsJSON: rows.string(row, 7) ?? "", state: state, stateReason: rows.string(row, 9),
            createdAt: date(10) ?? Date(timeIntervalSince1970: 0), startedAt: date(11), finishedAt: date(12),
            updatedAt: date(13) ?? Date(timeIntervalSince1970: 0))
    }
}
