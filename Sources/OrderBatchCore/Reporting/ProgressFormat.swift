/// The text of progress lines; pure functions, so tests pin every character.
public enum ProgressFormat {
    /// The live terminal line:
    /// `1234/5000 (24.7%)  310.2 rows/s  ETA 12s  in flight 8  retries 3  failed 1`.
    ///
    /// `skipped N` and `unknown N` are added only when non-zero.
    ///
    /// - Parameters:
    ///   - snapshot: The counts.
    ///   - rate: Rows per second (``RateEstimator/rowsPerSecond``), or `nil` while unknown.
    /// - Returns: The line's fields joined by two spaces, without a line break.
    public static func liveLine(_ snapshot: ProgressSnapshot, rate: Double?) -> String {
        fields(snapshot, rate: rate).joined(separator: "  ")
    }

    /// The log line written off a terminal:
    /// `progress 1234/5000 (24.7%), 310.2 rows/s, ETA 12s, in flight 8, retries 3, failed 1, elapsed 4.2s`.
    ///
    /// - Parameters:
    ///   - snapshot: The counts.
    ///   - rate: Rows per second, or `nil` while unknown.
    /// - Returns: `progress ` and the live line's fields plus the elapsed time, joined by `, `, without a
    ///   line break.
    public static func logLine(_ snapshot: ProgressSnapshot, rate: Double?) -> String {
        let parts = fields(snapshot, rate: rate) + ["elapsed \(elapsed(snapshot.elapsedSeconds))"]
        return "progress " + parts.joined(separator: ", ")
    }

    private static func fields(_ snapshot: ProgressSnapshot, rate: Double?) -> [String] {
        var parts = [
            "\(snapshot.done)/\(snapshot.total) (\(percent(snapshot)))",
            "\(rateText(rate)) rows/s",
            "ETA \(eta(snapshot, rate: rate))",
            "in flight \(snapshot.inFlight)",
            "retries \(snapshot.retries)",
            "failed \(snapshot.failed)",
        ]
        if snapshot.skipped > 0 { parts.append("skipped \(snapshot.skipped)") }
        if snapshot.unknown > 0 { parts.append("unknown \(snapshot.unknown)") }
        return parts
    }

    /// The share done with one decimal, rounded down so `100.0%` means every row: `24.7%`.
    public static func percent(_ snapshot: ProgressSnapshot) -> String {
        guard snapshot.total > 0 else { return "100.0%" }
        let tenths = min(1000, max(0, snapshot.done) * 1000 / snapshot.total)
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// A rate with one decimal (`310.2`), or `--` when unknown.
    public static func rateText(_ rate: Double?) -> String {
        guard let rate, rate.isFinite, rate >= 0, rate < 1e15 else { return "--" }
        let tenths = Int((rate * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// The time left at `rate`: `0s` when done, `--` when the rate is unknown or zero.
    public static func eta(_ snapshot: ProgressSnapshot, rate: Double?) -> String {
        let remaining = max(0, snapshot.total - snapshot.done)
        if remaining == 0 { return "0s" }
        guard let rate, rate.isFinite, rate > 0 else { return "--" }
        return duration(Double(remaining) / rate)
    }

    /// A duration rounded up to whole seconds: `12s`, `3m05s`, `2h03m`; days as hours (`49h00m`).
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        let whole = seconds >= Double(Int.max / 2) ? Int.max / 2 : Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" + twoDigits(whole % 60) + "s" }
        return "\(whole / 3600)h" + twoDigits(whole % 3600 / 60) + "m"
    }

    /// Time spent, as the progress log and the summary both write it: `0.04s` below a second, `4.2s`
    /// below a minute (rounded to the nearest tenth, never up to a whole second), then as ``duration(_:)``.
    public static func elapsed(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        let hundredths = Int((seconds * 100).rounded())
        if hundredths < 100 { return "0." + twoDigits(hundredths) + "s" }
        let tenths = Int((seconds * 10).rounded())
        if tenths < 600 { return "\(tenths / 10).\(tenths % 10)s" }
        return duration(seconds)
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
