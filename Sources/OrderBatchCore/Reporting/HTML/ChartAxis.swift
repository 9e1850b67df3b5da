/// The numbers on a chart's axes: round steps for values (0, 20, 40 … or 0, 0.5, 1 …) and for time (10 s, 1 min,
/// 15 min …), so that gridlines fall on values a person reads at a glance.
public enum ChartAxis {
    /// Gridline values from 0 to at least `maximum`, in a round step (1, 2 or 5 times a power of ten), about
    /// `count` of them.
    ///
    /// - Parameters:
    ///   - maximum: The largest value to show; 0 or less gives `[0, 1]`.
    ///   - count: About how many steps.
    /// - Returns: The values, ascending, the first 0 and the last at or above `maximum`.
    public static func ticks(upTo maximum: Double, count: Int = 4) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0, 1] }
        let raw = maximum / Double(max(1, count))
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? power * 10
        let steps = max(1, Int((maximum / step - 1e-9).rounded(.up)))
        return (0...steps).map { Double($0) * step }
    }

    /// A tick value as text: `1200`, `1.2k`, `3.5M`, `0.25`.
    public static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
        if magnitude >= 10_000 { return trimmed(value / 1000) + "k" }
        if magnitude >= 10 || value == value.rounded() { return String(Int(value.rounded())) }
        return trimmed(value)
    }

    private static func trimmed(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        if hundredths % 100 == 0 { return String(hundredths / 100) }
        if hundredths % 10 == 0 { return "\(hundredths / 100).\(abs(hundredths / 10 % 10))" }
        let fraction = abs(hundredths % 100)
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// Round bucket widths, in seconds.
    static let bucketWidths: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ]

    /// The narrowest round bucket width that cuts `span` seconds into at most `maximumBuckets` buckets.
    public static func bucketSeconds(span: Double, maximumBuckets: Int = 90) -> Double {
        let needed = span / Double(max(1, maximumBuckets))
        return bucketWidths.first { $0 >= needed } ?? (needed / 86400).rounded(.up) * 86400
    }

    /// A bucket width as text: `10 s`, `1 min`, `2 h`, `1 d`.
    public static func widthText(_ seconds: Double) -> String {
        if seconds < 60 { return "\(Int(seconds)) s" }
        if seconds < 3600 { return "\(Int(seconds / 60)) min" }
        if seconds < 86400 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 86400)) d"
    }
}
