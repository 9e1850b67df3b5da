import Foundation

extension Decimal {
    /// The decimal written plainly: no exponent, no trailing fractional zeros, no
    /// trailing point (`13.5`, `10`, `0.05`), locale-independent.
    ///
    /// This is the form Rapyd's signature check expects for JSON numbers and the form
    /// used to store decimals as text.
    public var plainText: String {
        var copy = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &copy, 38, .plain)
        var text = rounded.description  // Foundation's description is locale-free and plain.
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        return text
    }
}

extension Decimal {
    /// Whether `text` is already what ``plainText`` writes for the decimal it denotes, so that a
    /// caller holding the text need not parse and write it again (a run does that for every row):
    /// an optional `-`, `0` or digits without a leading zero, then optionally `.` and digits not
    /// ending in `0`; not `-0`; at most 30 digits (well inside the 38 that ``plainText`` rounds to).
    ///
    /// ```swift
    /// Decimal.isPlainText("90.5")   // true
    /// Decimal.isPlainText("90.50")  // false: plainText writes 90.5
    /// Decimal.isPlainText("1e3")    // false
    /// ```
    public static func isPlainText(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let integer = bytes.prefix(while: isDigit)
        guard let lead = integer.first, lead != UInt8(ascii: "0") || integer.count == 1 else { return false }
        var rest = bytes.dropFirst(integer.count)
        var fraction = rest.prefix(0)
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            fraction = rest.prefix(while: isDigit)
            guard let last = fraction.last, last != UInt8(ascii: "0") else { return false }
            rest = rest.dropFirst(fraction.count)
        }
        guard rest.isEmpty, integer.count + fraction.count <= 30 else { return false }
        let isZero = lead == UInt8(ascii: "0") && fraction.isEmpty
        return !(negative && isZero)
    }
}
