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
    /// The share allowed now, by the server's clock: ``factor`` during a pause, then climbing back to 1 over
    /// ``PostgresRateTokens/recoverySeconds``.
    public var shareNow: Double = 1
    /// Seconds left of the pause every taker honours after a 429, by the server's clock; nil when none is on.
    public var pauseLeftSeconds: Double?
}

extension PostgresRunStore {
    /// The columns read into a ``RateLimitScopeState``, from `rate_limit_scopes`.
    private static var scopeColumns: String {
        let recoveryMs = Int64(PostgresRateTokens.recoverySeconds * 1000)
        return """
            scope, granted, rate_limited, factor,
            orderbatch_rate_factor(factor, paused_until, clock_timestamp(), \(recoveryMs)),
            CASE WHEN paused_until > clock_timestamp() THEN extract(epoch FROM paused_until - clock_timestamp()) END
            """
    }

    private static func scopeState(_ rows: PostgresResult, _ row: Int) -> RateLimitScopeState {
        RateLimitScopeState(
            scope: rows.string(row, 0) ?? "", granted: rows.int64(row, 1) ?? 0,
            rateLimited: rows.int64(row, 2) ?? 0, factor: rows.double(row, 3) ?? 1,
            shareNow: rows.double(row, 4) ?? 1, pauseLeftSeconds: rows.double(row, 5))
    }

    /// Every shared rate-limit scope in the database, by key.
    ///
    /// - Throws: ``PostgresError``.
    public func rateLimitScopes() throws -> [RateLimitScopeState] {
        try withConnection { db in
            let rows = try db.query("SELECT \(Self.scopeColumns) FROM rate_limit_scopes ORDER BY scope")
            return (0..<rows.rowCount).map { Self.scopeState(rows, $0) }
        }
    }

    /// Records that run `runID`'s workers draw on the shared limit `scope` (the latest worker to start wins:
    /// every worker of a run computes the same key unless the job's endpoint or credentials changed).
    ///
    /// - Throws: ``PostgresError``.
    public func recordRateLimitScope(runID: String, scope: String) throws {
        try withConnection { db in
            _ = try db.query("UPDATE runs SET rate_limit_scope = $2 WHERE id = $1", [runID, scope])
        }
    }

    /// The shared limit run `runID` draws on, as it stands now: its key (nil when the run never drew on one:
    /// no `rate_limit` windows, or no worker started yet) and its row (nil before the first take).
    ///
    /// - Throws: ``PostgresError``.
    public func rateLimitScope(runID: String) throws -> (key: String, state: RateLimitScopeState?)? {
        try withConnection { db in
            let key = try db.query("SELECT rate_limit_scope FROM runs WHERE id = $1", [runID])
            guard key.rowCount == 1, let scope = key.string(0, 0) else { return nil }
            let rows = try db.query("SELECT \(Self.scopeColumns) FROM rate_limit_scopes WHERE scope = $1", [scope])
            return (scope, rows.rowCount == 1 ? Self.scopeState(rows, 0) : nil)
        }
    }
}
