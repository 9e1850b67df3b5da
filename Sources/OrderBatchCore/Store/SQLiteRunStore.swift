internal import CSQLite
import Foundation

/// The ``RunStore`` on one SQLite file in WAL mode.
///
/// ## Durability
/// The connection runs with `journal_mode=WAL` and `synchronous=NORMAL`. A committed transaction is in the WAL
/// file (in the operating system's page cache) when `COMMIT` returns, so it survives the process being killed at
/// any moment, `kill -9` included: that is what orderbatch promises, and `resume` relies on it. It is not synced
/// to the disk at every commit, so a power cut or kernel crash may lose the last commits (never corrupt the
/// database). `synchronous=FULL` would close that gap at the cost of an fsync per result group.
///
/// ## Concurrency
/// One connection, confined behind a lock: calls are synchronous and short, so a lock beats a queue. Other
/// processes may open the same file (a second cron invocation); every write transaction is `BEGIN IMMEDIATE`
/// and waits up to `busy_timeout` (5 s) for the other's write lock. `foreign_keys=ON` ties rows to their run
/// and attempts to their row.
///
/// ```swift
/// let store = try SQLiteRunStore(path: "orderbatch.sqlite")
/// defer { try? store.close() }
/// try store.createRun(NewRun(id: "r1", jobName: "reprice", …))
/// ```
///
/// Sendable: the connection is touched only inside its ``Locked`` (``withConnection(_:)``). The calls block
/// (up to the busy timeout): async code reaches the store through ``RunStoreActor``, which runs them on a
/// thread of its own, never on Swift's cooperative pool.
public final class SQLiteRunStore: RunStore, Sendable {
    /// How long a write waits for another connection's lock before failing with `SQLITE_BUSY`.
    public static let busyTimeoutMilliseconds = 5000
    /// The schema version this build writes and understands.
    public static var schemaVersion: Int { StoreSchema.currentVersion }

    /// The database file.
    public let path: String
    /// The one connection; nil once closed.
    private let connection: Locked<SQLiteConnection?>
    /// Supplies "now" for timestamps and lease expiry; tests move it.
    let clock: @Sendable () -> Date
    /// The file's device and inode when it was opened (``checkStorage()`` compares).
    let openedIdentity: FileIdentity
    /// What this store knows of the file's soundness (``SQLiteCheckStamp``).
    let soundness: Locked<Soundness>
    /// The figures of the attempts this store recorded, per run, and the invocation it recorded for each run
    /// (``invocationFigures(runID:since:wholeRun:topErrors:)``).
    let recorded = Locked(RecordedHere())

    /// What this store recorded itself: the end of an invocation reads its figures from here.
    struct RecordedHere {
        var figures: [String: RequestFigures] = [:]
        var invocations: [String: (id: Int64, command: InvocationCommand)] = [:]
    }

    /// What a store knows of its file's soundness: written at ``close()`` as a ``SQLiteCheckStamp`` when it
    /// is known sound and nothing went wrong since.
    struct Soundness {
        /// The file was created by this store, passed `PRAGMA quick_check`, or its stamp matched at opening.
        var known: Bool
        /// The stamp matched at opening: ``quickCheck()`` need not read the whole file.
        var remembered: Bool
        /// A corruption or a storage failure was met: no stamp is written, and the old one was deleted.
        var failed = false
    }

    /// Opens the database at `path`, creating the file and its schema if needed and applying missing migrations.
    ///
    /// - Parameters:
    ///   - path: the database file; its directory must exist.
    ///   - clock: "now", for timestamps and lease expiry.
    /// - Throws: ``SQLiteError`` when the file cannot be opened or is not a database;
    ///   ``RunStoreError/schemaTooNew(path:found:supported:)`` when a newer orderbatch wrote it;
    ///   ``RunStoreError/notWAL(path:mode:)`` when WAL mode is unavailable.
    public convenience init(path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        try self.init(path: path, clock: clock, schemaVersion: StoreSchema.currentVersion)
    }

    /// Opens the database at `path`, migrating it up to `schemaVersion` only: tests write a database as an
    /// older release did, through the same code, then open it with ``init(path:clock:)``.
    init(path: String, clock: @escaping @Sendable () -> Date, schemaVersion: Int) throws {
        self.path = path
        self.clock = clock
        // Before the connection opens (it may replay a WAL into the file).
        let existed = FileManager.default.fileExists(atPath: path)
        let remembered = existed && SQLiteCheckStamp.matches(path: path)
        soundness = Locked(Soundness(known: !existed || remembered, remembered: remembered))
        let db = try SQLiteConnection(path: path, busyTimeoutMilliseconds: Int32(Self.busyTimeoutMilliseconds))
        do {
            try Self.prepare(db, path: path, upTo: schemaVersion)
        } catch {
            try? db.close()
            throw error
        }
        connection = Locked(db)
        openedIdentity = FileIdentity(path: path)
    }

    deinit {
        // A store dropped without close() still releases its file handle; the connection's statements are
        // all cached, so close cannot be busy.
        connection.withLock { try? $0?.close() }
    }

    /// Closes the connection. Later calls throw `SQLITE_MISUSE`. Calling it again does nothing.
    /// Closes the connection, then remembers a sound file's check (``SQLiteCheckStamp``). Later calls throw
    /// `SQLITE_MISUSE`. Calling it again does nothing.
    public func close() throws {
        let closed = try connection.withLock { connection in
            defer { connection = nil }
            guard let open = connection else { return false }
            try open.close()
            return true
        }
        guard closed else { return }
        // A stamp exists only while the last store to close the file knew it sound.
        let soundness = self.soundness.withLock { $0 }
        if soundness.known, !soundness.failed {
            SQLiteCheckStamp.write(path: path, identity: openedIdentity)
        } else {
            SQLiteCheckStamp.remove(path: path)
        }
    }

    /// Runs `body` with the connection while holding the lock. A corruption or storage failure it meets
    /// forgets the file's remembered check (``SQLiteCheckStamp``).
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        do {
            return try connection.withLock { connection in
                guard let connection else {
                    throw SQLiteError(extendedResultCode: SQLITE_MISUSE, message: "the store \(path) is closed")
                }
                return try body(connection)
            }
        } catch let error as SQLiteError where error.isCorruption || error.isStorageFailure {
            soundness.withLock { $0.failed = true }
            SQLiteCheckStamp.remove(path: path)
            throw error
        }
    }

    // MARK: - Opening

    /// How long opening may keep retrying, in all, while other processes create, convert or migrate the same
    /// file: two cron lines starting at the same second race on a database that does not exist yet.
    static let openingPatienceSeconds: Double = 20

    /// ``configure(_:path:)`` then ``migrate(_:path:)``, again and again while another connection holds
    /// the file, until ``openingPatienceSeconds`` have passed.
    ///
    /// The busy timeout (set when the connection opened, before any statement) covers most waits, but not
    /// all: switching a new file to WAL needs an exclusive lock, and SQLite answers `SQLITE_BUSY` at once,
    /// without calling the busy handler, when another connection is reading or converting it at that moment.
    /// Every step is idempotent, and the migration re-reads the version under the write lock.
    private static func prepare(_ db: SQLiteConnection, path: String, upTo target: Int) throws {
        let deadline = Date().addingTimeInterval(openingPatienceSeconds)
        var pauseMicroseconds: UInt32 = 2_000
        while true {
            do {
                try configure(db, path: path)
                try migrate(db, path: path, upTo: target)
                return
            } catch let error as SQLiteError where error.isBusy && Date() < deadline {
                // Jittered, so racing processes do not retry in lock-step.
                usleep(pauseMicroseconds / 2 + UInt32.random(in: 0...pauseMicroseconds / 2))
                pauseMicroseconds = min(pauseMicroseconds * 2, 100_000)
            }
        }
    }

    /// Sets the per-connection pragmas; switches the file to WAL (persistent) on first open.
    private static func configure(_ db: SQLiteConnection, path: String) throws {
        let mode = try db.scalarText("PRAGMA journal_mode = WAL")?.lowercased() ?? "unknown"
        guard mode == "wal" else { throw RunStoreError.notWAL(path: path, mode: mode) }
        try db.execute("PRAGMA synchronous = NORMAL")
        try db.execute("PRAGMA foreign_keys = ON")
    }

    /// Applies the missing migrations, each in a transaction of its own that also records it (`PRAGMA
    /// user_version`, and a row of `schema_version` from version 3), or refuses a newer schema.
    private static func migrate(_ db: SQLiteConnection, path: String, upTo target: Int) throws {
        let current = StoreSchema.currentVersion
        func readVersion() throws -> Int { Int(try db.scalarInt("PRAGMA user_version") ?? 0) }
        let seen = try readVersion()
        if seen > current { throw RunStoreError.schemaTooNew(path: path, found: seen, supported: current) }
        guard seen < target else { return }
        // Foreign keys are off while tables are rebuilt (migration 2), so dropping `runs` cannot cascade into
        // `items`; the pragma has no effect inside a transaction, hence here.
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        for migration in StoreSchema.migrations where migration.version > seen && migration.version <= target {
            try db.inTransaction(.immediate) {
                // Another process may have migrated between the read above and taking the write lock.
                let version = try readVersion()
                if version > current {
                    throw RunStoreError.schemaTooNew(path: path, found: version, supported: current)
                }
                guard version < migration.version else { return }
                try db.execute(migration.sql)
                if migration.version >= StoreSchema.versionTableSince {
                    let record = try db.prepare(
                        "INSERT INTO schema_version (version, applied_at, description) VALUES (?1, ?2, ?3)")
                    try record.bind(migration.version, at: 1)
                    try record.bind(Date().timeIntervalSince1970, at: 2)
                    try record.bind(migration.description, at: 3)
                    try record.run()
                }
                // Inside the transaction: the version moves with the migration or not at all.
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    /// The schema version recorded in the file (`PRAGMA user_version`).
    public func userVersion() throws -> Int {
        try withConnection { Int(try $0.scalarInt("PRAGMA user_version") ?? 0) }
    }

    /// The journal mode in effect (`wal`).
    public func journalMode() throws -> String {
        try withConnection { try $0.scalarText("PRAGMA journal_mode") ?? "" }
    }

    // MARK: - Runs

    static let runColumns = """
        id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json, state, state_reason,
        created_at, started_at, finished_at, updated_at
        """

    public func createRun(_ run: NewRun) throws {
        try withConnection { db in
            let statement = try db.cachedStatement(
                """
                INSERT INTO runs (id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                                  state, created_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'ingesting', ?9, ?9)
                """)
            try statement.bind(run.id, at: 1)
            try statement.bind(run.jobName, at: 2)
            try statement.bind(run.jobPath, at: 3)
            try statement.bind(run.jobText, at: 4)
            try statement.bind(run.provider, at: 5)
            try statement.bind(run.inputPath, at: 6)
            try statement.bind(run.inputSHA256, at: 7)
            try statement.bind(run.optionsJSON, at: 8)
            try statement.bind(run.createdAt.timeIntervalSince1970, at: 9)
            do {
                try statement.run()
            } catch let error as SQLiteError where error.isConstraintViolation {
                throw RunStoreError.duplicateRun(run.id)
            }
        }
    }

    public func run(id: String) throws -> RunRecord? {
        try queryRuns("SELECT \(Self.runColumns) FROM runs WHERE id = ?1", id).first
    }

    public func recentRuns(limit: Int) throws -> [RunRecord] {
        try queryRuns("SELECT \(Self.runColumns) FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?1", limit)
    }

    public func latestRun(jobName: String) throws -> RunRecord? {
        try queryRuns(
            "SELECT \(Self.runColumns) FROM runs WHERE job_name = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1",
            jobName
        ).first
    }

    public func previousRun(jobName: String, inputSHA256: String) throws -> RunRecord? {
        try queryRuns(
            """
            SELECT \(Self.runColumns) FROM runs
            WHERE job_name = ?1 AND input_sha256 = ?2 AND state IN ('ingesting', 'ready', 'running', 'stopped', 'finished')
            ORDER BY created_at DESC, rowid DESC LIMIT 1
            """, jobName, inputSHA256
        ).first
    }

    public func setRunState(id: String, _ state: RunState, reason: String?) throws {
        try withConnection { db in
            let statement = try db.cachedStatement(
                """
                UPDATE runs SET
                    state = ?2, state_reason = ?3, updated_at = ?4,
                    started_at = CASE WHEN ?2 = 'running' THEN coalesce(started_at, ?4) ELSE started_at END,
                    finished_at = CASE WHEN ?2 IN ('finished', 'failed_ingest', 'canceled') THEN ?4
                                       WHEN ?2 = 'running' THEN NULL
                                       ELSE finished_at END
                WHERE id = ?1
                """)
            try statement.bind(id, at: 1)
            try statement.bind(state.rawValue, at: 2)
            try statement.bind(reason, at: 3)
            try statement.bind(clock().timeIntervalSince1970, at: 4)
            try statement.run()
            guard db.changes == 1 else { throw RunStoreError.unknownRun(id) }
        }
    }

    /// Runs a runs query with text or integer parameters bound in order.
    func queryRuns(_ sql: String, _ parameters: any Sendable...) throws -> [RunRecord] {
        try withConnection { db in
            let statement = try db.cachedStatement(sql)
            defer { statement.reset() }
            for (offset, parameter) in parameters.enumerated() {
                let index = Int32(offset + 1)
                if let text = parameter as? String {
                    try statement.bind(text, at: index)
                } else if let number = parameter as? Int {
                    try statement.bind(number, at: index)
                }
            }
            var runs: [RunRecord] = []
            while try statement.step() { runs.append(try Self.runRecord(statement)) }
            return runs
        }
    }

    /// Reads a row of ``runColumns``.
    private static func runRecord(_ row: SQLiteStatement) throws -> RunRecord {
        let id = row.string(at: 0) ?? ""
        let stateText = row.string(at: 8) ?? ""
        guard let state = RunState(rawValue: stateText) else {
            throw RunStoreError.corruptRow(runID: id, seq: 0, detail: "unknown run state '\(stateText)'")
        }
        return RunRecord(
            id: id, jobName: row.string(at: 1) ?? "", jobPath: row.string(at: 2) ?? "",
            jobText: row.string(at: 3) ?? "", provider: row.string(at: 4) ?? "", inputPath: row.string(at: 5) ?? "",
            inputSHA256: row.string(at: 6) ?? "", optionsJSON: row.string(at: 7) ?? "", state: state,
            stateReason: row.string(at: 9), createdAt: Date(timeIntervalSince1970: row.double(at: 10)),
            startedAt: row.optionalDouble(at: 11).map { Date(timeIntervalSince1970: $0) },
            finishedAt: row.optionalDouble(at: 12).map { Date(timeIntervalSince1970: $0) },
            updatedAt: Date(timeIntervalSince1970: row.double(at: 13)))
    }
}
