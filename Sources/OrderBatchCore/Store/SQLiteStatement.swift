internal import CSQLite

/// One prepared statement: owns the `sqlite3_stmt*`, finalized in `deinit`.
///
/// Parameters are 1-based (`bind(_:at:)`), columns 0-based (`int64(at:)`), as in SQLite's C API.
/// Text is bound by copy (`SQLITE_TRANSIENT`), so a bound Swift string need not outlive the call.
/// A statement must not outlive its connection; the connection's cached statements are finalized by
/// ``SQLiteConnection/close()``.
///
/// Related SQLite documentation: <https://www.sqlite.org/c3ref/stmt.html>
final class SQLiteStatement {
    /// The raw handle.
    let handle: OpaquePointer
    /// The SQL it was prepared from, for error messages.
    let sql: String
    /// The connection's handle, for error messages.
    private let db: OpaquePointer

    /// Prepares `sql` on `connection`.
    ///
    /// - Throws: ``SQLiteError`` naming `sql`; also when `sql` holds no statement.
    init(connection: SQLiteConnection, sql: String) throws {
        let db = try connection.openHandle()
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, connection: db, sql: sql) }
        guard let raw else {
            throw SQLiteError(extendedResultCode: SQLITE_MISUSE, message: "no statement in the SQL text", sql: sql)
        }
        self.handle = raw
        self.sql = sql
        self.db = db
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: - Binding

    /// Binds an integer, or NULL when nil.
    func bind(_ value: Int64?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds an integer, or NULL when nil.
    func bind(_ value: Int?, at index: Int32) throws {
        try bind(value.map { Int64($0) }, at: index)
    }

    /// Binds a floating-point value, or NULL when nil.
    func bind(_ value: Double?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds UTF-8 text (embedded NUL bytes kept), or NULL when nil.
    func bind(_ value: String?, at index: Int32) throws {
        guard var value else { return try bindNull(at: index) }
        let rc = value.withUTF8 { bytes -> Int32 in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                // A NULL pointer would bind NULL; an empty string must stay an empty string.
                return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), csqlite_transient())
            }
        }
        try check(rc)
    }

    /// Binds a blob, or NULL when nil.
    func bind(blob value: [UInt8]?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        let rc = value.withUnsafeBytes { bytes -> Int32 in
            // A zero-length blob needs a non-NULL pointer too.
            sqlite3_bind_blob(
                handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count),
                csqlite_transient())
        }
        try check(rc)
    }

    /// Binds NULL.
    func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    // MARK: - Stepping

    /// Advances to the next row.
    ///
    /// - Returns: true when a row is available through the column getters, false when the statement is done.
    /// - Throws: ``SQLiteError`` naming the statement (constraint violation, busy, …).
    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(resultCode: rc, connection: db, sql: sql)
        }
    }

    /// Steps an INSERT, UPDATE or DELETE to completion and resets it for the next use.
    func run() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Rewinds the statement and clears its bindings, ready for the next use.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: - Columns

    /// True when the column of the current row is NULL.
    func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// The column as an integer (0 for NULL).
    func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The column as an integer, nil for NULL.
    func optionalInt(at column: Int32) -> Int? {
        isNull(at: column) ? nil : Int(sqlite3_column_int64(handle, column))
    }

    /// The column as a floating-point value (0 for NULL).
    func double(at column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    /// The column as a floating-point value, nil for NULL.
    func optionalDouble(at column: Int32) -> Double? {
        isNull(at: column) ? nil : sqlite3_column_double(handle, column)
    }

    /// The column as UTF-8 text, nil for NULL.
    func string(at column: Int32) -> String? {
        guard !isNull(at: column), let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes, nil for NULL.
    func blob(at column: Int32) -> [UInt8]? {
        guard !isNull(at: column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, connection: db, sql: sql) }
    }
}

@available(*, unavailable)
extension SQLiteStatement: Sendable {}
