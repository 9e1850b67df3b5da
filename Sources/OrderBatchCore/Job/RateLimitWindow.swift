/// One rate-limit window: at most `limit` requests in any `seconds`-long interval.
/// Written `200/1m`, `1000/5m`, `10/s` (a unit alone means one of it), or a bare number of
/// requests per second (`rate_limit: 5`).
public struct RateLimitWindow: Sendable, Equatable, CustomStringConvertible {
    public var limit: Int
    public var seconds: Double

    public init(limit: Int, seconds: Double) {
        self.limit = limit
        self.seconds = seconds
    }

    /// Parses `200/1m`, `10/s`, `5` (per second), `0.5` (one every two seconds).
    public static func parse(_ text: String) -> RateLimitWindow? {
        let t = text.trimmingSpaces()
        if let slash = t.firstIndex(of: "/") {
            guard let limit = Int(String(t[..<slash]).trimmingSpaces()), limit > 0 else { return nil }
            var unit = String(t[t.index(after: slash)...]).trimmingSpaces()
            if let first = unit.first, first.isLetter { unit = "1" + unit }
            guard let ms = DurationText.milliseconds(unit), ms >= 1 else { return nil }
            return RateLimitWindow(limit: limit, seconds: Double(ms) / 1000)
        }
        guard let perSecond = Double(t), perSecond.isFinite, perSecond > 0, perSecond <= 1_000_000 else { return nil }
        if perSecond >= 1, perSecond == perSecond.rounded() {
            return RateLimitWindow(limit: Int(perSecond), seconds: 1)
        }
        return RateLimitWindow(limit: 1, seconds: 1 / perSecond)
    }

    /// Requests per second this window allows on average.
    public var perSecond: Double { Double(limit) / seconds }

    public var description: String {
        "\(limit)/\(DurationText.format(milliseconds: Int64((seconds * 1000).rounded())))"
    }
}
