/// A failure reported by PostgreSQL or by libpq: the SQLSTATE, the server's (or libpq's) message, and
/// what was being done.
///
/// Every libpq failure becomes this one type, in one place (``PostgresConnection``). Its `description`
/// reads `postgresql error 23505 (unique_violation): duplicate key value … - while executing `INSERT …``,
/// followed by what to do for the classes an operator can act on (a server that does not answer, a
/// refused login, a missing database, missing privileges).
///
/// Neither the password nor the full connection string ever reaches it: the context names the server as
/// `user@host:port/database` (``PostgresURL/display``), and the SQL is the statement text with `$1`
/// placeholders, never the bound values.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/errcodes-appendix.html>
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The five-character SQLSTATE (`23505`, `40P01`, `08006`…), or nil when libpq failed without an
    /// answer from a server (nothing listening, a name that does not resolve, a connection lost).
    public var sqlState: String?
    /// The server's primary message, or libpq's (`PQerrorMessage`), without its trailing newline.
    public var message: String
    /// The server's detail line, if any.
    public var detail: String?
    /// What was being done: `connecting to …`, or `executing `SQL``.
    public var context: String?

    /// Creates an error from its parts.
    public init(sqlState: String?, message: String, detail: String? = nil, context: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.context = context
    }

    /// The SQLSTATE's class: its first two characters (`08` connection exception, `28` authorization…).
    public var sqlStateClass: String? { sqlState.map { String($0.prefix(2)) } }

    /// True when the connection to the server is gone or never came up (no SQLSTATE, or class `08`,
    /// or `57P01`…`57P03`: the server shut down or is starting): what was committed is intact, and the run
    /// can be resumed once the server answers again.
    public var isConnectionFailure: Bool {
        guard let sqlState else { return true }
        return sqlStateClass == "08" || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// True for a unique-key violation (`23505`).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// True for an integrity-constraint violation (class `23`: unique, foreign key, check, not null).
    public var isConstraintViolation: Bool { sqlStateClass == "23" }

    /// True for a serialization failure or a deadlock (`40001`, `40P01`): the transaction may be run again.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        var text = "postgresql error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        if let context { text += " - while \(context)" }
        if let hint { text += " (\(hint))" }
        return text
    }

    /// What the operator can do, for the classes where there is something to do.
    private var hint: String? {
        switch sqlStateClass {
        case nil, "08":
            return "check that the PostgreSQL server is running and reachable at that address; "
                + "what was committed before is kept, so resume once it answers"
        case "28":
            return "check the user name, and the password in PGPASSWORD, PGPASSFILE or ~/.pgpass "
                + "(never in the URL), and the server's pg_hba.conf"
        case "3D":
            return "create the database first (createdb NAME), or name another one in the URL"
        case "42" where sqlState == "42501":
            return "grant the user CREATE and USAGE on the database's schema, or use another user"
        case "53":
            return "the server is out of disk, memory or connections; free some, then resume"
        case "57":
            return "the server is shutting down or starting; resume once it answers"
        default:
            return nil
        }
    }
}
