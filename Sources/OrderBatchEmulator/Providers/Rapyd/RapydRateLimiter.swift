/// Rapyd's WAF request-rate windows, per access key.
///
/// https://docs.rapyd.net/en/request-rate-limits.html (FACTS.md §2.6): 200 requests per minute (then
/// blocked until the minute ends) and 1000 requests per 5 minutes (then blocked for 5 minutes).
/// Windows here are fixed and start at the first request after the previous window ended, not at
/// wall-clock minute boundaries (Rapyd does not say which); this keeps tests independent of the clock.
/// Refused requests do not count towards the windows.
struct RapydRateLimiter: Sendable {
    /// Requests allowed per ``minuteWindow``.
    static let minuteLimit = 200
    /// The short window, in seconds.
    static let minuteWindow: Double = 60
    /// Requests allowed per ``longWindow``.
    static let longLimit = 1000
    /// The long window and the block that follows exceeding it, in seconds.
    static let longWindow: Double = 300

    private struct Bucket: Sendable {
        var minuteStart: Double
        var minuteCount = 0
        var longStart: Double
        var longCount = 0
        var blockedUntil: Double = 0
    }

    private var buckets: [String: Bucket] = [:]

    /// Counts a request from `key` at `now` (seconds) and says whether it may pass.
    mutating func admit(key: String, now: Double) -> Bool {
        var bucket = buckets[key] ?? Bucket(minuteStart: now, longStart: now)
        defer { buckets[key] = bucket }
        if now < bucket.blockedUntil { return false }
        if now >= bucket.minuteStart + Self.minuteWindow {
            bucket.minuteStart = now
            bucket.minuteCount = 0
        }
        if now >= bucket.longStart + Self.longWindow {
            bucket.longStart = now
            bucket.longCount = 0
        }
        if bucket.longCount >= Self.longLimit {
            bucket.blockedUntil = now + Self.longWindow
            bucket.longStart = bucket.blockedUntil
            bucket.longCount = 0
            return false
        }
        if bucket.minuteCount >= Self.minuteLimit { return false }
        bucket.minuteCount += 1
        bucket.longCount += 1
        return true
    }
}
