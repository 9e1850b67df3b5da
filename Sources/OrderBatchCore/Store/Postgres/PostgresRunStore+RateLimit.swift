/// A shared rate limit's scope as recorded (``PostgresRateTokens``), for `status` and tests.
public struct RateLimitScopeState: Sendable, Equatable {
    /// `run/<id>` or `account/<provider>/<identity>@<host>`.
    public var scope: String
    /// Tokens granted since the scope was first used (handed-back ones included).
    public var granted: Int64
    /// 429s reported by its takers.
    public var rateLimited: Int64
    /// The share of the limits allowed at its last change (1 unless a 429 lowered it).
    public var factor: Double
}

extension PostgresRunStore {
    /// Every shared rate-limit scope in the database, by key.
    ///
    /// - Throws: ``PostgresError``.
    public func rateLimitScopes() throws -> [RateLimitScopeState] {
        try withConnection { db in
            let rows = try db.query("SELECT scope, granted, rate_limited, factor FROM rate_limit_scopes ORDER BY scope")
            return (0..<rows.rowCount).map { row in
                RateLimitScopeState(
                    scope: rows.string(row, 0) ?? "", granted: rows.int64(row, 1) ?? 0,
                    rateLimited: rows.int64(row, 2) ?? 0, factor: rows.double(row, 3) ?? 1)
            }
        }
    }
}
