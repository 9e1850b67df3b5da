/// Text for the HTML report, escaped so that anything taken from the input, the job or a provider's message
/// reads as text and can never become markup: `&`, `<`, `>`, `"` and `'` become character references.
///
/// The report is written as well-formed XML (XHTML syntax in an HTML file), so only the five references XML
/// knows are used (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`), and characters XML 1.0 forbids (control
/// characters other than tab, LF and CR) are replaced by U+FFFD.
public enum HTMLText {
    /// `text` escaped for element content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A number for an SVG attribute: at most one decimal, no exponent.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
