/// A fixed provider rate limit: at most `limit` request starts in any `seconds`-long interval.
///
/// Written in a job file (`rate_limit`) or on the command line (`--rate`) as `200/1m`, `1000/5m`,
/// `10/s` (a unit alone means one of it), or a bare number of requests per second (`5`, `0.5`).
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

    /// Parses `200/1m`, `10/s`, `5` (per second), `0.5` (one every two seconds); nil for anything else.
    public static func parse(_ text: String) -> RateWindow? {
        let t = text.trimmingSpaces()
        if let slash = t.firstIndex(of: "/") {
            guard let limit = Int(String(t[..<slash]).trimmingSpaces()), limit > 0 else { return nil }
            var unit = String(t[t.index(after: slash)...]).trimmingSpaces()
            if let first = unit.first, first.isLetter { unit = "1" + unit }
            guard let ms = DurationText.milliseconds(unit), ms >= 1 else { return nil }
            return RateWindow(limit: limit, seconds: Double(ms) / 1000)
        }
        guard let perSecond = Double(t), perSecond.isFinite, perSecond > 0, perSecond <= 1_000_000 else { return nil }
        if perSecond >= 1, perSecond == perSecond.rounded() {
            return RateWindow(limit: Int(perSecond), seconds: 1)
        }
        return RateWindow(limit: 1, seconds: 1 / perSecond)
    }

    /// The window's long-run rate, in requests per second.
    public var ratePerSecond: Double { Double(limit) / seconds }

    /// The window as a job file writes it: `190/1m`.
    public var description: String {
        "\(limit)/\(DurationText.format(milliseconds: Int64((seconds * 1000).rounded())))"
    }
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
