/// The seam between the executor and a rate limit that other processes share: every request start of a
/// run whose limit is shared costs one token taken from here, on top of the local ``RateLimiter``.
///
/// With a SQLite state file there is no source: the local ``RateLimiter`` alone paces the run, as it always
/// did. With a PostgreSQL store, ``PostgresRateTokens`` takes tokens from rows every worker of the run (and,
/// with `rate_limit_scope: account`, every job on the same provider account) draws on, so that the job's
/// `rate_limit` windows are the total over all of them.
///
/// Calls block until the source answers (a database round trip): the ``RunDriver`` makes them on a thread
/// of their own, never on Swift's cooperative pool. Tokens are taken in small batches, so a request costs
/// no round trip of its own; tokens not used within their ``RateTokenGrant/lifetime`` are handed back.
public protocol RateTokenSource: Sendable {
    /// Takes up to `count` tokens, after handing back `returning` (tokens taken earlier and not used).
    ///
    /// - Parameters:
    ///   - count: How many tokens are wanted, at least 1.
    ///   - returning: Earlier grants' tokens that were not used.
    /// - Returns: The tokens granted (perhaps none, then ``RateTokenGrant/retryAfter`` says when to ask again).
    /// - Throws: The source's error (the database cannot be reached); the run stops as for a store error.
    func take(_ count: Int, returning: [RateTokenLot]) throws -> RateTokenGrant

    /// Hands back tokens that were not used (the run is ending).
    ///
    /// - Throws: The source's error.
    func giveBack(_ lots: [RateTokenLot]) throws

    /// A request that started `ageSeconds` ago was refused with 429: lower the shared rate for every taker
    /// and pause them all for `pauseSeconds` (once per round trip: a 429 for a request that started before
    /// the last lowering changes nothing).
    ///
    /// - Parameters:
    ///   - ageSeconds: Seconds since the refused request started.
    ///   - pauseSeconds: How long no taker may start a request: the 429's `Retry-After` (capped) when it had
    ///     one, else the job's `rate_limit_pause`.
    /// - Throws: The source's error.
    func rateLimited(ageSeconds: Double, pauseSeconds: Double) throws

    /// Ends the source's connection. Calling it again does nothing.
    func close()
}

/// Tokens of one grant, by the grant's id, as handed back.
public struct RateTokenLot: Sendable, Equatable {
    /// The grant they came from (``RateTokenGrant/grantID``).
    public var grantID: Int64
    /// How many.
    public var count: Int

    public init(grantID: Int64, count: Int) {
        self.grantID = grantID
        self.count = count
    }
}

/// What a ``RateTokenSource`` granted.
public struct RateTokenGrant: Sendable, Equatable {
    /// Tokens granted; 0 when every one is taken for now (or the takers are paused after a 429).
    public var count: Int
    /// Names the grant, to hand tokens back (the source's time of the grant, in milliseconds).
    public var grantID: Int64
    /// Seconds, counted from when the request for them was sent, within which the tokens may start
    /// requests; past it they are handed back unused.
    public var lifetime: Double
    /// When fewer tokens were granted than asked: seconds before asking again.
    public var retryAfter: Double
    /// The share of the job's limits allowed now: 1, or less for a while after a 429.
    public var factor: Double

    public init(count: Int, grantID: Int64, lifetime: Double, retryAfter: Double, factor: Double) {
        self.count = count
        self.grantID = grantID
        self.lifetime = lifetime
        self.retryAfter = retryAfter
        self.factor = factor
    }
}
