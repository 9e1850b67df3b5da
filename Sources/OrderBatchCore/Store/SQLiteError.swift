internal import CSQLite

/// A failure reported by SQLite: the result code, SQLite's own message, and the SQL that failed.
///
/// Every SQLite result code becomes this one type, in one place (``SQLiteError/init(resultCode:connection:sql:)``).
/// Its `description` reads
/// `sqlite error 19 (SQLITE_CONSTRAINT_FOREIGNKEY): FOREIGN KEY constraint failed - while executing `INSERT …``
/// followed by a hint for the codes an operator can do something about (a locked or read-only database file).
///
/// The SQL is the statement text with `?` placeholders, never the bound values, so no row data (and no
/// credential, which the store never holds anyway) reaches an error message.
///
/// Related SQLite documentation: <https://www.sqlite.org/rescode.html>
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY` = 5, `SQLITE_CONSTRAINT` = 19, …).
    public var resultCode: Int32 { extendedResultCode & 0xFF }
    /// The extended result code (`SQLITE_CONSTRAINT_FOREIGNKEY` = 787, …); equal to the primary code when
    /// SQLite gave no extended one.
    public var extendedResultCode: Int32
    /// SQLite's message (`sqlite3_errmsg`), or `sqlite3_errstr` of the code when no connection was at hand.
    public var message: String
    /// The statement that failed, or nil when the failure was not tied to one (opening, closing).
    public var sql: String?

    /// Creates an error from its parts.
    public init(extendedResultCode: Int32, message: String, sql: String? = nil) {
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// Maps a result code to an error, reading the message from `connection` when it has one.
    init(resultCode: Int32, connection: OpaquePointer?, sql: String? = nil) {
        var message = String(cString: sqlite3_errstr(resultCode))
        var code = resultCode
        if let connection {
            // Prefer the connection's own message and extended code: they name the constraint or file.
            if let text = sqlite3_errmsg(connection) { message = String(cString: text) }
            let extended = sqlite3_extended_errcode(connection)
            if extended & 0xFF == resultCode & 0xFF { code = extended }
        }
        self.init(extendedResultCode: code, message: message, sql: sql)
    }

    /// True for `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection held the database past the busy timeout.
    public var isBusy: Bool { resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED }

    /// True for `SQLITE_CORRUPT` and `SQLITE_NOTADB`: the file is damaged or not a database, so nothing
    /// read from it can be trusted and the run is not resumable from it as it is.
    public var isCorruption: Bool { resultCode == SQLITE_CORRUPT || resultCode == SQLITE_NOTADB }

    /// True for `SQLITE_IOERR`, `SQLITE_FULL` and `SQLITE_CANTOPEN` during a run: the disk refused a read
    /// or write; what was committed before is intact, so the run stops and is resumable.
    public var isStorageFailure: Bool {
        resultCode == SQLITE_IOERR || resultCode == SQLITE_FULL || resultCode == SQLITE_CANTOPEN
    }

    /// True for `SQLITE_CONSTRAINT` and its extended codes (unique, foreign key, check, not null).
    public var isConstraintViolation: Bool { resultCode == SQLITE_CONSTRAINT }

    public var description: String {
        var text = "sqlite error \(extendedResultCode)"
        text += ": \(message)"
        if let sql { text += " - while executing `\(sql)`" }
        if let hint { text += " (\(hint))" }
        return text
    }

    /// What the operator can do, for the codes where there is something to do.
    private var hint: String? {
        switch resultCode {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "another process kept the database busy for more than the busy timeout; try again"
        case SQLITE_READONLY:
            return "the database file or its directory is read-only; check permissions"
        case SQLITE_CANTOPEN:
            return "check that the directory exists and is writable"
        case SQLITE_FULL:
            return "the disk is full"
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return "the file is not a usable orderbatch database; move it aside or pass another --db"
        default:
            return nil
        }
    }
}
