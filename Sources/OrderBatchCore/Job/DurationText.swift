/// Durations as job files and options write them: `800ms`, `2s`, `1.5s`, `50m`, `2h`, or a
/// sequence such as `1m30s`. A bare number is refused: the unit is never guessed.
public enum DurationText {
    /// Milliseconds for `text`, or nil when it is not a duration.
    public static func milliseconds(_ text: String) -> Int64? {
        var rest = Substring(text.trimmingSpaces())
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "ms": total += value
            case "s": total += value * 1000
            case "m": total += value * 60_000
            case "h": total += value * 3_600_000
            default: return nil
            }
        }
        guard total <= 1e13 else { return nil }
        return Int64(total.rounded())
    }

    /// `1500` → `1.5s`, `90000` → `1m30s`, `250` → `250ms`.
    public static func format(milliseconds ms: Int64) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms % 1000 != 0 && ms < 60_000 {
            let s = Double(ms) / 1000
            return "\(s)s"
        }
        var seconds = ms / 1000
        var text = ""
        if seconds >= 3600 {
            text += "\(seconds / 3600)h"
            seconds %= 3600
        }
        if seconds >= 60 {
            text += "\(seconds / 60)m"
            seconds %= 60
        }
        if seconds > 0 || text.isEmpty { text += "\(seconds)s" }
        return text
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
