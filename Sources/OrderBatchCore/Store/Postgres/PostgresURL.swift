import Foundation

/// A PostgreSQL state database named by a URL, `postgresql://USER@HOST:PORT/DATABASE[?keyword=value…]`,
/// checked before anything connects.
///
/// The URL is handed to libpq as it is (its own URI syntax: <https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS>),
/// so every libpq keyword works in the query (`sslmode=require`, `options=-csearch_path%3Dorderbatch`).
/// A password is refused, in the user part (`user:secret@`) or as `password=`/`sslpassword=`: it would
/// show in process lists, shell history, cron mails and the job file. libpq reads it from its own sources
/// instead: `PGPASSWORD`, the file `PGPASSFILE` names, or `~/.pgpass`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given (it holds no password).
    public let text: String

    /// Whether `text` names a PostgreSQL database (`postgresql://` or `postgres://`) rather than a file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Checks `text`.
    ///
    /// - Parameter text: The URL, e.g. from `--db` or a job's `state:`.
    /// - Throws: ``PostgresURL/Refusal`` saying what is wrong and what to do; its message shows the URL
    ///   with any password masked.
    public init(_ text: String) throws(Refusal) {
        guard Self.isPostgres(text) else {
            throw Refusal(url: text, reason: "does not start with postgresql://")
        }
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw Refusal(
                url: Self.masked(text),
                reason: "contains a space or control character (U+\(String(bad.value, radix: 16, uppercase: true)))")
        }
        let afterScheme = text.range(of: "://").map { text[$0.upperBound...] } ?? ""
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            throw Refusal(
                url: Self.masked(text),
                reason: "holds a password (user:password@); " + Self.passwordSources)
        }
        if let query = text.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in query.split(separator: "&") {
                let key = pair.prefix { $0 != "=" }.lowercased()
                if key == "password" || key == "sslpassword" {
                    throw Refusal(url: Self.masked(text), reason: "holds a password (\(key)=); " + Self.passwordSources)
                }
            }
        }
        self.text = text
    }

    /// The URL as given; it holds no password.
    public var description: String { text }

    /// The server and database alone, `postgresql://user@host:port/database`, for error messages: the query
    /// (TLS key paths, options) is left out, so a message never repeats the whole connection string.
    public var display: String {
        String(text.prefix { $0 != "?" })
    }

    private static let passwordSources =
        "leave it out of the URL and give it in PGPASSWORD, the file PGPASSFILE names, or ~/.pgpass"

    /// `text` with the password (after `user:` or `password=`) replaced by `***`.
    static func masked(_ text: String) -> String {
        var out = text
        if let scheme = out.range(of: "://") {
            let rest = out[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "***")
            }
        }
        for key in ["sslpassword=", "password="] {
            var search = out.startIndex
            while let found = out.range(of: key, options: .caseInsensitive, range: search..<out.endIndex) {
                let end = out[found.upperBound...].firstIndex(of: "&") ?? out.endIndex
                out.replaceSubrange(found.upperBound..<end, with: "***")
                search = out.index(found.upperBound, offsetBy: 3, limitedBy: out.endIndex) ?? out.endIndex
            }
        }
        return out
    }

    /// Why a URL was refused (exit 64), with the password masked.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The URL, its password masked.
        public var url: String
        /// What is wrong with it and what to do.
        public var reason: String

        public var description: String { "the PostgreSQL URL \(url) \(reason)" }
    }
}
