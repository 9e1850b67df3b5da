/// The tokens of a shared rate limit (``RateTokenSource``) this process holds, as the
/// ``ExecutorStateMachine`` sees them: pure bookkeeping on the driver's clock, no I/O.
///
/// A request starts only with a token (and only when the local ``RateLimiter`` allows it too). The
/// machine asks for a small batch (``ExecutorStateMachine/Action/takeTokens(count:returning:)``) when it
/// holds fewer than half a batch and has work ready; each batch may be used for its lifetime, counted from
/// when it was asked for, and what is left past it is handed back with the next request. At most one
/// request is outstanding.
public struct SharedTokens: Sendable, Equatable {
    /// Tokens of one grant, usable until `expiresAt`.
    struct Lot: Sendable, Equatable {
        var grantID: Int64
        var count: Int
        var expiresAt: Double
    }

    /// Seconds every taker pauses after a 429 that carried no `Retry-After` (the job's `rate_limit_pause`).
    public let pauseSeconds: Double
    /// The lifetime of the last grant (the source's slot); half a second until the first.
    public private(set) var lifetime = 0.5
    /// The share of the limits the source allowed at the last grant.
    public private(set) var factor = 1.0
    /// Tokens granted so far, for tests and counters.
    public private(set) var granted = 0
    var lots: [Lot] = []
    /// Tokens to hand back with the next request.
    var unused: [RateTokenLot] = []
    /// When the outstanding request was made; nil when none is.
    var requestedAt: Double?
    /// No request before this (the source said to wait).
    var retryAt = -Double.infinity
    /// When the last 429 was reported to the source.
    var lastReportAt = -Double.infinity

    /// Creates an empty holding.
    ///
    /// - Parameter pauseSeconds: The pause after a 429 without `Retry-After` (the job's `rate_limit_pause`).
    public init(pauseSeconds: Double) {
        self.pauseSeconds = pauseSeconds
    }

    /// Tokens usable at `now`.
    public func available(now: Double) -> Int {
        lots.reduce(0) { $0 + ($1.expiresAt > now ? $1.count : 0) }
    }

    /// Moves tokens past their lifetime to the ones handed back.
    mutating func expire(now: Double) {
        for lot in lots where lot.expiresAt <= now && lot.count > 0 {
            unused.append(RateTokenLot(grantID: lot.grantID, count: lot.count))
        }
        lots.removeAll { $0.expiresAt <= now || $0.count == 0 }
    }

    /// Takes one token for a request starting at `now`; false when none is usable.
    mutating func take(now: Double) -> Bool {
        expire(now: now)
        guard let index = lots.indices.min(by: { lots[$0].expiresAt < lots[$1].expiresAt }) else { return false }
        lots[index].count -= 1
        if lots[index].count == 0 { lots.remove(at: index) }
        return true
    }

    /// The batch to ask for when tokens run low: what this process starts in one lifetime at its pace.
    ///
    /// - Parameters:
    ///   - now: The driver's time.
    ///   - rate: The requests per second this process may start (the local allowed rate).
    ///   - concurrency: The most requests in flight.
    /// - Returns: How many tokens to ask for, or nil: a request is outstanding, the source said to wait, or
    ///   half a batch is still held.
    mutating func wanted(now: Double, rate: Double?, concurrency: Int) -> Int? {
        expire(now: now)
        guard requestedAt == nil, now >= retryAt else { return nil }
        let batch = max(1, min(concurrency, 64, Int(((rate ?? 10) * lifetime).rounded(.up))))
        guard available(now: now) * 2 < batch + 1 else { return nil }
        return batch
    }

    /// A request for tokens goes out at `now`: the tokens to hand back go with it.
    mutating func requested(now: Double) -> [RateTokenLot] {
        requestedAt = now
        defer { unused = [] }
        return unused
    }

    /// The source answered the outstanding request with `grant` at `now`.
    mutating func received(_ grant: RateTokenGrant, now: Double) {
        let sentAt = requestedAt ?? now
        requestedAt = nil
        lifetime = max(0.001, grant.lifetime)
        factor = grant.factor
        granted += grant.count
        if grant.count > 0 {
            lots.append(Lot(grantID: grant.grantID, count: grant.count, expiresAt: sentAt + grant.lifetime))
            retryAt = -Double.infinity
        } else {
            retryAt = now + max(0.005, grant.retryAfter)
        }
    }

    /// A 429 arrived at `now` for a request started at `requestStartedAt`: every token held goes back (the
    /// rate is being lowered), and no request for more before `pausedUntil`.
    ///
    /// - Returns: Whether to report it to the source: once per round trip, as the local limiter lowers its
    ///   rate (a 429 for a request that started before the last report adds nothing).
    mutating func rateLimited(requestStartedAt: Double, now: Double, pausedUntil: Double) -> Bool {
        for lot in lots where lot.count > 0 { unused.append(RateTokenLot(grantID: lot.grantID, count: lot.count)) }
        lots = []
        retryAt = max(retryAt, pausedUntil)
        guard requestStartedAt >= lastReportAt else { return false }
        lastReportAt = now
        return true
    }

    /// When the machine should look again for want of tokens: the end of a wait the source asked for;
    /// nil when a request is outstanding or tokens are held.
    func wakeTime(now: Double) -> Double? {
        guard requestedAt == nil, available(now: now) == 0 else { return nil }
        return retryAt > now ? retryAt : nil
    }

    /// Every token held or waiting to be handed back, emptied: what a run that ends returns.
    mutating func releaseAll() -> [RateTokenLot] {
        var all = unused
        for lot in lots where lot.count > 0 { all.append(RateTokenLot(grantID: lot.grantID, count: lot.count)) }
        lots = []
        unused = []
        return all
    }
}
