import Foundation

/// A duration as an estimate says it: rounded to what matters at its size.
///
/// ```
/// 42 s        → "42 s"
/// 754 s       → "13 min"
/// 12631.6 s   → "3 h 30 min"
/// 315789.5 s  → "87 h 45 min (3.65 days)"
/// ```
public enum ApproximateDuration {
    /// `seconds` as text: seconds under 2 minutes, minutes under an hour, hours and minutes (to the nearest 5) beyond, with the
    /// number of days from 48 hours on.
    ///
    /// - Parameter seconds: A duration, 0 or more.
    /// - Returns: The text, e.g. `3 h 30 min`.
    public static func text(seconds: Double) -> String {
        guard seconds.isFinite else { return "forever" }
        let s = max(0, seconds)
        if s < 120 { return "\(s > 0 ? max(1, Int(s.rounded())) : 0) s" }
        let exact = s / 60
        if exact < 59.5 { return "\(Int(exact.rounded())) min" }
        // Past an hour, to the nearest 5 minutes: an estimate is not that precise.
        let minutes = Int((exact / 5).rounded()) * 5
        let text = "\(minutes / 60) h" + (minutes % 60 == 0 ? "" : " \(minutes % 60) min")
        guard s >= 48 * 3600 else { return text }
        let days = (s / 86_400 * 100).rounded(.down) / 100
        return text + " (\(String(format: "%.2f", days)) days)"
    }
}
