import Foundation

/// A rate limit shared through PostgreSQL (a ``RateTokenSource``): every worker of a run, and with
/// `rate_limit_scope: account` every job on the same provider account, takes its tokens from the same rows
/// (see ``PostgresSchema/rateLimitSQL``), so the job's `rate_limit` windows hold for all of them together.
///
/// - Tokens come in small batches, one round trip each (`orderbatch_take_rate_tokens`), on a connection of
///   its own (a take never waits behind the store's writes).
/// - Time is the server's. A grant's lifetime is a duration this process counts on its own monotonic clock
///   from when it asked, so hosts' clocks are never compared.
/// - A 429 seen by any worker (``rateLimited(ageSeconds:pauseSeconds:)``) pauses every taker and lowers the
///   share of the limits allowed by ``decreaseFactor`` (not below ``floorFactor``); the share climbs back to
///   the whole limit in a straight line over ``recoverySeconds`` once the pause is over.
///
/// Calls block until the server answers: the ``RunDriver`` makes them on a thread of their own.
public final class PostgresRateTokens: RateTokenSource, Sendable {
    /// The share of the limits kept after each 429: half, as the local limiter does.
    public static let decreaseFactor = 0.5
    /// The lowest share a run of 429s brings the limits to: a twentieth.
    public static let floorFactor = 0.05
    /// Seconds over which the share climbs back to the whole limit after the pause: five minutes, the longest
    /// block a provider documents for going past its limit.
    public static let recoverySeconds = 300.0

    /// The scope the tokens are counted in (``RateLimitScope/key(job:runID:credentials:)``).
    public let scope: String
    /// The windows enforced, at most one per length (the tightest).
    public let windows: [RateWindow]
    private let connection: Locked<PostgresConnection?>
    private let url: PostgresURL

    /// Connects to `url` for tokens of `scope` under `windows`.
    ///
    /// The tables must exist (the store opened on `url` created them).
    ///
    /// - Parameters:
    ///   - url: The run's database.
    ///   - scope: The scope's key, as ``RateLimitScope`` makes it.
    ///   - windows: The job's `rate_limit` (after `--rate`), at least one.
    /// - Throws: ``PostgresError`` when the server cannot be reached.
    public init(url: PostgresURL, scope: String, windows: [RateWindow]) throws {
        precondition(!windows.isEmpty, "a shared rate limit needs a window")
        var tightest: [Int64: RateWindow] = [:]
        for window in windows {
            let ms = Self.milliseconds(window)
            if let seen = tightest[ms], seen.limit <= window.limit { continue }
            tightest[ms] = window
        }
        self.windows = tightest.keys.sorted().compactMap { tightest[$0] }
        self.scope = scope
        self.url = url
        self.connection = Locked(try PostgresConnection(url: url))
    }

    private static func milliseconds(_ window: RateWindow) -> Int64 {
        max(1, Int64((window.seconds * 1000).rounded()))
    }

    public func close() {
        connection.withLock { connection in
            connection?.close()
            connection = nil
        }
    }

    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try connection.withLock { connection in
            guard let connection else {
                throw PostgresError(sqlState: nil, message: "the rate limit's connection is closed", context: "\(url)")
            }
            return try body(connection)
        }
    }

    /// `{1,2,3}`: an array parameter.
    private static func array<T: BinaryInteger>(_ values: [T]) -> String {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    public func take(_ count: Int, returning: [RateTokenLot]) throws -> RateTokenGrant {
        try withConnection { db in
            let rows = try db.query(
                """
                SELECT granted, grant_ms, lifetime_ms, retry_ms, factor
                  FROM orderbatch_take_rate_tokens($1, $2::bigint[], $3::integer[], $4, $5::bigint[], $6::integer[], $7)
                """,
                [
                    scope, Self.array(windows.map(Self.milliseconds)), Self.array(windows.map(\.limit)), max(1, count),
                    Self.array(returning.map(\.grantID)), Self.array(returning.map(\.count)),
                    Int64(Self.recoverySeconds * 1000),
                ])
            return RateTokenGrant(
                count: Int(rows.int64(0, 0) ?? 0), grantID: rows.int64(0, 1) ?? 0,
                lifetime: Double(rows.int64(0, 2) ?? 0) / 1000, retryAfter: Double(rows.int64(0, 3) ?? 5) / 1000,
                factor: rows.double(0, 4) ?? 1)
        }
    }

    public func giveBack(_ lots: [RateTokenLot]) throws {
        guard !lots.isEmpty else { return }
        _ = try take(0, returning: lots)
    }

    public func rateLimited(ageSeconds: Double, pauseSeconds: Double) throws {
        _ = try reportRateLimited(ageSeconds: ageSeconds, pauseSeconds: pauseSeconds)
    }

    /// ``rateLimited(ageSeconds:pauseSeconds:)``, with what it did.
    ///
    /// - Returns: Whether the share was lowered (false when it already was since the request started), the
    ///   share now, and the seconds of pause left.
    /// - Throws: ``PostgresError``.
    public func reportRateLimited(
        ageSeconds: Double, pauseSeconds: Double
    ) throws -> (
        lowered: Bool, factor: Double, pausedSeconds: Double
    ) {
        try withConnection { db in
            let rows = try db.query(
                "SELECT lowered, factor, paused_ms FROM orderbatch_rate_limited($1, $2, $3, $4, $5, $6)",
                [
                    scope, Int64((max(0, ageSeconds) * 1000).rounded(.up)),
                    Int64((max(0, pauseSeconds) * 1000).rounded()),
                    Self.decreaseFactor, Self.floorFactor, Int64(Self.recoverySeconds * 1000),
                ])
            return (rows.bool(0, 0) ?? false, rows.double(0, 1) ?? 1, Double(rows.int64(0, 2) ?? 0) / 1000)
        }
    }
}
