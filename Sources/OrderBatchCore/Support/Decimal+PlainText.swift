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
