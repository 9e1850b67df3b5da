internal import CLibPQ
import Foundation

/// One connection to a PostgreSQL server: owns the `PGconn*` and closes it (`PQfinish`) in one place.
///
/// Not thread-safe and not `Sendable`: one thread at a time (``PostgresRunStore`` confines its connection
/// behind a lock). Calls block until the server answers; async code reaches the store through
/// ``RunStoreActor``, on a thread of its own.
///
/// Parameters go as text, results come back as text (``PostgresResult``); statements are sent with
/// `PQexecParams`, so values never become part of the SQL.
///
/// ```swift
/// let db = try PostgresConnection(url: try PostgresURL("postgresql://ob@db1:5432/orderbatch"))
/// defer { db.close() }
/// let result = try db.query("SELECT count(*) FROM runs WHERE job_name = $1", ["reprice"])
/// ```
///
/// Related libpq documentation: <https://www.postgresql.org/docs/current/libpq-connect.html>
final class PostgresConnection {
    /// The raw handle; nil once closed.
    private var handle: OpaquePointer?
    /// The server, as messages name it.
    let url: PostgresURL

    /// Connects to `url`.
    ///
    /// The password, if the server asks for one, comes from libpq's own sources (`PGPASSWORD`, `PGPASSFILE`,
    /// `~/.pgpass`). A connection that does not come up within 10 s fails (unless the URL sets
    /// `connect_timeout`). The server's notices are dropped rather than printed on standard error.
    ///
    /// - Parameter url: The server and database.
    /// - Throws: ``PostgresError`` (no SQLSTATE) saying why libpq could not connect.
    init(url: PostgresURL) throws(PostgresError) {
        self.url = url
        // Later entries override earlier ones: the URL (expanded from `dbname`) overrides the timeout, and
        // `fallback_application_name` yields to an `application_name` in the URL.
        let keywords = ["connect_timeout", "dbname", "fallback_application_name"]
        let values = ["10", url.text, "orderbatch"]
        let raw = Self.withCStringArray(keywords) { keys in
            Self.withCStringArray(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let raw else {
            throw PostgresError(sqlState: nil, message: "out of memory", context: "connecting to \(url.display)")
        }
        guard PQstatus(raw) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(raw))
            PQfinish(raw)
            throw PostgresError(
                sqlState: Self.startupSQLState(message), message: message, context: "connecting to \(url.display)")
        }
        clibpq_silence_notices(raw)
        handle = raw
    }

    deinit {
        close()
    }

    /// Closes the connection (`PQfinish`, which cannot fail). Calling it again does nothing.
    func close() {
        guard let handle else { return }
        PQfinish(handle)
        self.handle = nil
    }

    /// The open handle; reconnects once (`PQreset`) when the previous connection was lost.
    ///
    /// - Returns: The handle.
    /// - Throws: ``PostgresError`` when the connection is closed, or lost and cannot be made again.
    private func openHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else {
            throw PostgresError(sqlState: nil, message: "the connection is closed", context: "using \(url.display)")
        }
        if PQstatus(handle) != CONNECTION_OK {
            PQreset(handle)
            guard PQstatus(handle) == CONNECTION_OK else {
                throw PostgresError(
                    sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)),
                    context: "reconnecting to \(url.display)")
            }
            clibpq_silence_notices(handle)
        }
        return handle
    }

    // MARK: - Statements

    /// Runs one statement with `parameters` bound to `$1`, `$2`… as text.
    ///
    /// - Parameters:
    ///   - sql: One statement.
    ///   - parameters: The values, in order; nil binds NULL.
    /// - Returns: Its result (rows, or the count of rows changed).
    /// - Throws: ``PostgresError`` with the server's SQLSTATE and message, naming `sql`.
    @discardableResult
    func query(_ sql: String, _ parameters: [any PostgresBindable] = []) throws(PostgresError) -> PostgresResult {
        let db = try openHandle()
        let texts = parameters.map(\.postgresText)
        let raw = Self.withOptionalCStringArray(texts) { values in
            PQexecParams(db, sql, Int32(texts.count), nil, values, nil, nil, 0)
        }
        return try checked(raw, sql: sql)
    }

    /// Runs one or more `;`-separated statements with no parameters (a migration), in one round trip.
    ///
    /// - Parameter sql: The statements.
    /// - Throws: ``PostgresError`` naming the first line of `sql`.
    func execute(_ sql: String) throws(PostgresError) {
        let db = try openHandle()
        _ = try checked(PQexec(db, sql), sql: sql)
    }

    /// Runs `body` inside one transaction: commits when it returns, rolls back and rethrows when it throws.
    ///
    /// - Parameter body: The work; its return value is returned.
    /// - Returns: What `body` returned, once the transaction is committed.
    /// - Throws: What `body` throws, or ``PostgresError`` from `BEGIN`/`COMMIT`.
    func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body()
            try execute("COMMIT")
        } catch {
            if let handle, PQstatus(handle) == CONNECTION_OK { _ = try? execute("ROLLBACK") }
            throw error
        }
        return value
    }

    /// The result, or the error it carries (the one place a libpq failure becomes a ``PostgresError``).
    private func checked(_ raw: OpaquePointer?, sql: String) throws(PostgresError) -> PostgresResult {
        let context = "executing `\(Self.firstLine(sql))`"
        guard let raw else {
            let message = handle.map { Self.trimmed(PQerrorMessage($0)) } ?? "no result"
            throw PostgresError(sqlState: nil, message: message, context: context)
        }
        let result = PostgresResult(taking: raw)
        let status = PQresultStatus(raw)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            func field(_ code: Int32) -> String? {
                PQresultErrorField(raw, code).map { String(cString: $0) }
            }
            let message = field(clibpq_diag_message()) ?? Self.trimmed(PQresultErrorMessage(raw))
            throw PostgresError(
                sqlState: field(clibpq_diag_sqlstate()), message: message, detail: field(clibpq_diag_detail()),
                context: context)
        }
        return result
    }

    /// The SQLSTATE of a refused startup, which libpq reports as text only (`FATAL:  database "x" does not
    /// exist`): the server did answer, so this is no connection failure, and the hint must say so. Nil when
    /// the text is not one of these (then the server was not reached).
    private static func startupSQLState(_ message: String) -> String? {
        guard message.contains("FATAL:") else { return nil }
        if message.contains("password authentication failed") || message.contains("no password supplied") {
            return "28P01"
        }
        if message.contains("role \"") && message.contains("does not exist") { return "28000" }
        if message.contains("database \"") && message.contains("does not exist") { return "3D000" }
        if message.contains("no pg_hba.conf entry") { return "28000" }
        if message.contains("too many") && message.contains("connections") { return "53300" }
        if message.contains("the database system is") { return "57P03" }
        return nil
    }

    // MARK: - C strings

    /// libpq's message without its trailing newline.
    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The statement's first line, for messages.
    private static func firstLine(_ sql: String) -> String {
        let line = sql.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? sql
        return line.trimmingCharacters(in: .whitespaces) + (sql.contains("\n") ? " …" : "")
    }

    /// A NULL-terminated array of C strings (libpq's keyword arrays end with a NULL).
    private static func withCStringArray<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
    )
        -> R
    {
        withOptionalCStringArray(strings.map { Optional($0) }, body)
    }

    /// A NULL-terminated array of C strings, nil entries as NULL (a NULL parameter), freed after `body`.
    private static func withOptionalCStringArray<R>(
        _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
        defer {
            for copy in copies { free(copy) }
        }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("a non-empty array has storage") }
            return body(base)
        }
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}
