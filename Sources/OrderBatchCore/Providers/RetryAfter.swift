import Foundation

/// The `Retry-After` response header (RFC 9110 §10.2.3): a number of seconds or an HTTP-date.
///
/// ```swift
/// RetryAfter.seconds("120", now: now)                             // 120
/// RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: date)  // seconds from `now` to that date
/// ```
public enum RetryAfter {
    /// The delay the header asks for, in seconds from `now`.
    ///
    /// Accepts `delay-seconds` (ASCII digits) and all three HTTP-date forms RFC 9110 requires a
    /// recipient to read: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    ///
    /// - Parameters:
    ///   - value: The header value, or `nil` when the header is absent.
    ///   - now: The current time, for an HTTP-date.
    /// - Returns: The delay (0 for a date in the past), or `nil` when the header is absent or
    ///   unreadable.
    public static func seconds(_ value: String?, now: Date) -> Double? {
        guard let value else { return nil }
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Very long digit strings saturate rather than fail: they still mean "much later".
            return Double(text)
        }
        guard let date = httpDate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses an HTTP-date in any of its three forms.
    static func httpDate(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        for token in tokens {
            if let index = monthNames.firstIndex(of: token) {
                month = index + 1
            } else if token.contains(":") {
                let parts = token.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3 else { return nil }
                time = (parts[0], parts[1], parts[2])
            } else if let number = Int(token) {
                if token.count == 4 {
                    year = number
                } else if day == nil {
                    day = number
                } else {
                    // RFC 850 two-digit year; RFC 9110 says to read it as within 50 years, so 70–99 → 19xx.
                    year = number < 70 ? 2000 + number : 1900 + number
                }
            } else if token != "GMT", !dayNames.contains(token), !longDayNames.contains(token) {
                return nil
            }
        }
        guard let day, let month, let year, let (hour, minute, second) = time,
            (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    private static let dayNames: Set<String> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDayNames: Set<String> = [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ]

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
