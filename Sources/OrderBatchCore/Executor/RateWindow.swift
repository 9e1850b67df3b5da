/// A fixed provider rate limit: at most `limit` request starts in any `seconds`-long interval.
///
/// Rapyd publishes two (200 per 60 s and 1000 per 300 s, and blocks a client for five minutes
/// past the second), so a job may name several; the ``RateLimiter`` honours all of them at once.
public struct RateWindow: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Most request starts allowed in any interval of `seconds`.
    public var limit: Int
    /// Length of the interval, in seconds.
    public var seconds: Double

    /// Creates a window of `limit` starts per `seconds`.
    ///
    /// - Precondition: `limit >= 1` and `seconds > 0`; the job-file parser checks this first.
    public init(limit: Int, seconds: Double) {
        precondition(limit >= 1, "a rate window needs a limit of at least 1")
        precondition(seconds > 0, "a rate window needs a positive length")
        self.limit = limit
        self.seconds = seconds
    }

    /// The window's long-run rate, in requests per second.
    public var ratePerSecond: Double { Double(limit) / seconds }

    public var description: String { "\(limit)/\(seconds.formatted3)s" }
}

extension Double {
    /// This number with at most three decimals and no trailing zeros, for messages.
    var formatted3: String {
        let rounded = (self * 1000).rounded() / 1000
        if rounded == rounded.rounded() && abs(rounded) < 1e15 {
            return String(Int64(rounded))
        }
        return String(rounded)
    }
}
