internal import CSQLite

/// One open SQLite database connection: owns the `sqlite3*` handle.
///
/// Not thread-safe and not `Sendable`: one thread at a time (``SQLiteRunStore`` confines its connection
/// behind a lock). The connection is opened in SQLite's multi-thread mode (`SQLITE_OPEN_NOMUTEX`), which
/// is exactly that contract.
///
/// Closing is explicit (``close()``) because `sqlite3_close` can fail; a connection dropped while still
/// open is a programming error caught by an assertion in debug builds (and closed anyway in release).
///
/// ```swift
/// let db = try SQLiteConnection(path: "/tmp/x.sqlite")
/// defer { try? db.close() }
/// try db.inTransaction(.immediate) {
///     try db.execute("INSERT INTO t(a) VALUES (1)")
/// }
/// ```
///
/// Related SQLite documentation: <https://www.sqlite.org/c3ref/sqlite3.html>
final class SQLiteConnection {
    /// How a transaction takes its locks.
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/lang_transaction.html>
    enum TransactionKind: String {
        /// Takes locks on first read or write. A deferred transaction that reads and then writes may fail
        /// with `SQLITE_BUSY` at once (without waiting) when another connection wrote in between.
        case deferred = "DEFERRED"
        /// Takes the write lock at `BEGIN`, waiting up to the busy timeout: use for every transaction
        /// that writes.
        case immediate = "IMMEDIATE"
        /// Like immediate; in WAL mode the same as immediate.
        case exclusive = "EXCLUSIVE"
    }

    /// The raw handle; nil once closed.
    private(set) var handle: OpaquePointer?
    /// The path it was opened with.
    let path: String
    /// Statements kept prepared for reuse, by SQL text.
    private var cache: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database at `path`.
    ///
    /// A handle that SQLite half-opened is closed before the error is thrown.
    /// - Parameters:
    ///   - path: a file path, or `:memory:`.
    ///   - readOnly: open without write access and without creating the file.
    ///   - busyTimeoutMilliseconds: how long a statement waits for another connection's lock before failing
    ///     with `SQLITE_BUSY`; set on the handle before any statement runs (`sqlite3_busy_timeout`).
    /// - Throws: ``SQLiteError`` (`SQLITE_CANTOPEN` when the directory is missing or not writable).
    init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 0) throws {
        self.path = path
        var raw: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &raw, flags, nil)
        guard rc == SQLITE_OK, let raw else {
            let error = SQLiteError(resultCode: rc, connection: raw, sql: nil)
            // sqlite3_open_v2 returns a handle even on failure; it must still be closed.
            if let raw { sqlite3_close(raw) }
            throw SQLiteError(
                extendedResultCode: error.extendedResultCode, message: "\(error.message): \(path)", sql: nil)
        }
        sqlite3_extended_result_codes(raw, 1)
        if busyTimeoutMilliseconds > 0 { sqlite3_busy_timeout(raw, busyTimeoutMilliseconds) }
        handle = raw
    }

    deinit {
        if let handle {
            assertionFailure("SQLiteConnection for \(path) was not closed")
            cache.removeAll()
            sqlite3_close_v2(handle)
        }
    }

    /// Finalizes the cached statements and closes the connection. Calling it again does nothing.
    ///
    /// - Throws: ``SQLiteError`` (`SQLITE_BUSY` when a statement prepared outside the cache is still alive);
    ///   the connection then stays open.
    func close() throws {
        guard let handle else { return }
        cache.removeAll()
        let rc = sqlite3_close(handle)
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, connection: handle) }
        self.handle = nil
    }

    /// The open handle, or `SQLITE_MISUSE` when the connection was closed.
    func openHandle() throws -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(extendedResultCode: SQLITE_MISUSE, message: "the connection to \(path) is closed")
        }
        return handle
    }

    // MARK: - Statements

    /// Prepares a new statement that the caller owns.
    ///
    /// - Throws: ``SQLiteError`` naming `sql` (syntax error, unknown table, …).
    func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// A prepared statement for `sql`, reused across calls: reset and with its bindings cleared.
    ///
    /// Use for the statements run many times (inserts, updates in loops). The statement stays owned by
    /// the connection and is finalized by ``close()``.
    func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let statement = try SQLiteStatement(connection: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// Runs one or more `;`-separated statements, discarding any rows they return.
    ///
    /// - Throws: ``SQLiteError`` naming the statement that failed; the statements before it stay applied.
    func execute(_ sql: String) throws {
        let db = try openHandle()
        try sql.withCString { start in
            var next: UnsafePointer<CChar>? = start
            while let current = next, current.pointee != 0 {
                var raw: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(db, current, -1, &raw, &tail)
                guard rc == SQLITE_OK else {
                    throw SQLiteError(resultCode: rc, connection: db, sql: String(cString: current))
                }
                next = tail
                // A trailing comment or blank compiles to no statement.
                guard let raw else { continue }
                defer { sqlite3_finalize(raw) }
                var step = sqlite3_step(raw)
                while step == SQLITE_ROW { step = sqlite3_step(raw) }
                guard step == SQLITE_DONE else {
                    throw SQLiteError(resultCode: step, connection: db, sql: String(cString: sqlite3_sql(raw)))
                }
            }
        }
    }

    /// Runs `sql` (cached) and returns the first column of its first row as text, or nil for no row or NULL.
    func scalarText(_ sql: String) throws -> String? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        return try statement.step() ? statement.string(at: 0) : nil
    }

    /// Runs `sql` (cached) and returns the first column of its first row as an integer, or nil for no row
    /// or NULL.
    func scalarInt(_ sql: String) throws -> Int64? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        return try statement.step() && !statement.isNull(at: 0) ? statement.int64(at: 0) : nil
    }

    /// Whether the main database file was unlinked, renamed or replaced since it was opened
    /// (`SQLITE_FCNTL_HAS_MOVED`: SQLite compares the path's inode with the file it holds open).
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/c3ref/c_fcntl_begin_atomic_write.html>
    func hasMoved() throws -> Bool {
        var moved: Int32 = 0
        let rc = sqlite3_file_control(try openHandle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved)
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, connection: handle, sql: nil) }
        return moved != 0
    }

    /// The number of rows changed by the most recent INSERT, UPDATE or DELETE.
    var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes(handle))
    }

    /// The rowid of the most recent successful INSERT on this connection.
    var lastInsertRowID: Int64 {
        guard let handle else { return 0 }
        return sqlite3_last_insert_rowid(handle)
    }

    /// The number of rows changed since the connection opened; tests use it to see what a call wrote.
    var totalChanges: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_total_changes(handle))
    }

    /// False while a transaction is open.
    var isAutocommit: Bool {
        guard let handle else { return true }
        return sqlite3_get_autocommit(handle) != 0
    }

    // MARK: - Transactions

    /// Runs `body` inside one transaction: commits when it returns, rolls back and rethrows when it throws.
    ///
    /// Not nestable: calling it inside another transaction fails with SQLite's "cannot start a transaction
    /// within a transaction".
    /// - Parameters:
    ///   - kind: `.immediate` (the default) takes the write lock at once, waiting up to the busy timeout.
    ///   - body: the work; its return value is returned.
    /// - Returns: What `body` returned, once the transaction is committed.
    /// - Throws: what `body` throws, or ``SQLiteError`` from `BEGIN`/`COMMIT`.
    func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try runCached("BEGIN \(kind.rawValue) TRANSACTION")
        let value: T
        do {
            value = try body()
            try runCached("COMMIT TRANSACTION")
        } catch {
            // SQLite may already have rolled back (some errors end the transaction themselves).
            if !isAutocommit { try? runCached("ROLLBACK TRANSACTION") }
            throw error
        }
        return value
    }

    /// Steps a cached statement with no bindings to completion.
    private func runCached(_ sql: String) throws {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        while try statement.step() {}
    }
}

@available(*, unavailable)
extension SQLiteConnection: Sendable {}
