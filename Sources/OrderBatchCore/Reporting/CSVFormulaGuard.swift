/// Neutralises CSV cells that a spreadsheet would run as a formula, reversibly.
///
/// OWASP's CSV-injection advice: a cell starting with `=`, `+`, `-`, `@`, tab or carriage
/// return may be evaluated by Excel, LibreOffice or Google Sheets (`=HYPERLINK(…)`,
/// `@SUM(…)`, `-2+3+cmd|…`), so it is written with a leading apostrophe, which spreadsheets
/// treat as "this is text". <https://owasp.org/www-community/attacks/CSV_Injection>
///
/// Two choices make the rule exact and cheap to undo:
/// - **Plain numbers are left alone.** `-5`, `+1`, `-0.25`, `1e-3` start with a sign but are
///   numbers to a spreadsheet, not formulas; mangling them would turn a refund amount into
///   text. A cell is a plain number when it matches `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`
///   and nothing else (so `-1+2` and `+1 ` are neutralised).
/// - **A cell that already starts with `'` gets one more.** Then ``restore(_:)`` is simply
///   "drop one leading apostrophe", and `restore(neutralise(x)) == x` for every `x`.
public enum CSVFormulaGuard {
    /// Returns `cell` as it is safe to write: unchanged, or with one `'` in front.
    ///
    /// - Parameter cell: The cell's text.
    /// - Returns: The text to write (before CSV quoting).
    public static func neutralise(_ cell: String) -> String {
        needsPrefix(cell) ? "'" + cell : cell
    }

    /// Undoes ``neutralise(_:)``: drops one leading apostrophe, if there is one.
    ///
    /// An input reader that accepts a report fixed up by an operator can apply this to every
    /// cell of a file written by ``ReportWriter`` to get the original values back.
    ///
    /// - Parameter cell: A cell read from a report.
    /// - Returns: The cell as it was before ``neutralise(_:)``.
    public static func restore(_ cell: String) -> String {
        cell.utf8.first == UInt8(ascii: "'") ? String(cell.dropFirst()) : cell
    }

    /// Whether ``neutralise(_:)`` prefixes `cell`.
    public static func needsPrefix(_ cell: String) -> Bool {
        guard let first = cell.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "'"), UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D:
            return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return !isPlainNumber(cell.utf8)
        default:
            return false
        }
    }

    /// Whether `text` is exactly `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`.
    static func isPlainNumber(_ text: String.UTF8View) -> Bool {
        var bytes = text[...]
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func digits() -> Int {
            let count = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(count)
            return count
        }
        if let b = bytes.first, b == UInt8(ascii: "+") || b == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var mantissa = digits()
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if let b = bytes.first, b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let s = bytes.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
