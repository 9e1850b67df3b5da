import Foundation

/// A JSON number kept as decimal text, normalised so that equal values have equal text.
///
/// The normal form is the one JavaScript's `Number.prototype.toString` (and so
/// `JSON.stringify`) writes for the same digits: no exponent while the value is in
/// `1e-7 < |x| < 1e21`, no trailing fractional zeros, no trailing point, and `-0` is `0`.
/// Outside that range the exponent form is `1.5e+21` / `1e-7`.
///
/// ```swift
/// JSONNumber(literal: "10.0")?.text    // "10"
/// JSONNumber(literal: "1.50")?.text    // "1.5"
/// JSONNumber(literal: "-0")?.text      // "0"
/// JSONNumber(literal: "1e400")?.text   // "1e+400", and its `decimal` is nil
/// ```
///
/// The value never passes through `Double`, so amounts keep every digit. Values beyond
/// Foundation `Decimal`'s range (`1e400`, `1e-400`, more than 38 significant digits)
/// stay representable; their ``decimal`` is `nil`, which a validator can refuse.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The normalised text (see the type's documentation).
    public let text: String
    /// The significant digits without leading or trailing zeros (`"0"` for zero).
    public let significand: String
    /// The power of ten of the last significant digit: the value is
    /// `±significand × 10^exponent`.
    public let exponent: Int
    /// Whether the value is below zero (never true for zero).
    public let isNegative: Bool
    /// The literal as written, kept only when it differs from ``text``.
    private let writtenAs: String?

    /// The number as the input wrote it (`1E2`, `-0`, `0.0000001`, all 42 digits of a long integer): what a
    /// message quotes, and what a validator checks when it refuses forms such as an exponent or a sign that
    /// the normal form (``text``) no longer shows. Numbers built from an `Int` have their ``text``.
    public var literal: String { writtenAs ?? text }

    /// The largest exponent magnitude a literal may carry. Larger exponents are refused
    /// rather than saturated, so that two different literals never share one value.
    public static let maxExponentMagnitude = 999_999_999_999_999

    /// Parses a literal written in strict JSON number grammar (RFC 8259 §6):
    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    ///
    /// The initializer fails when `literal` is not a JSON number (`+1`, `01`, `1.`, `.5`,
    /// `NaN`, `Infinity`, `0x10`) or its exponent exceeds ``maxExponentMagnitude``.
    ///
    /// - Parameter literal: The literal, with no surrounding whitespace.
    public init?(literal: String) {
        var literal = literal
        let parsed = literal.withUTF8 { JSONNumber.scan(UnsafeRawBufferPointer($0)) }
        guard let parsed, parsed.length == literal.utf8.count else { return nil }
        self = parsed.number
    }

    /// The integer `value`, exactly.
    public init(_ value: Int) {
        var digits = String(value.magnitude)
        var exponent = 0
        while digits.utf8.count > 1, digits.utf8.last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        self.init(isNegative: value < 0, significand: digits, exponent: value == 0 ? 0 : exponent)
    }

    private init(isNegative: Bool, significand: String, exponent: Int, writtenAs: String? = nil) {
        self.isNegative = isNegative
        self.significand = significand
        self.exponent = exponent
        let text = JSONNumber.render(isNegative: isNegative, digits: significand, exponent: exponent)
        self.text = text
        self.writtenAs = writtenAs == text ? nil : writtenAs
    }

    public var description: String { text }

    /// Equal values are equal numbers, however they were written (`1.50` == `1.5`).
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.text == rhs.text }

    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Whether the value is a whole number (`10`, `1e3`, `0`; not `1.5` or `1e-2`).
    public var isInteger: Bool { exponent >= 0 }

    /// The number of digits after the decimal point in the plain decimal form
    /// (`13.50` → 1, `10.0` → 0, `1e-3` → 3, `1e400` → 0).
    public var fractionDigits: Int { max(0, -exponent) }

    /// Whether the value fits Foundation's `Decimal` exactly (at most 38 significant
    /// digits, and ``exponent`` within −128…127).
    public var isDecimalRepresentable: Bool { decimal != nil }

    /// The value as a Foundation `Decimal`, or `nil` when it does not fit exactly
    /// (`1e400`, `1e-400`, more than 38 significant digits).
    public var decimal: Decimal? {
        // Decimal's mantissa holds any 38 digits; its exponent is an Int8. The significand
        // has no trailing zeros, so `Decimal(string:)` gives it exponent 0 and the sum is `exponent`.
        guard significand.utf8.count <= 38, (-128...127).contains(exponent) else { return nil }
        let mantissa: Decimal
        if significand.utf8.count <= 18, let small = UInt64(significand) {
            mantissa = Decimal(small)  // exact, and far cheaper than parsing text
        } else if let parsed = Decimal(string: significand, locale: JSONNumber.posix) {
            mantissa = parsed
        } else {
            return nil
        }
        let value = Decimal(sign: isNegative ? .minus : .plus, exponent: exponent, significand: mantissa)
        return value.isNaN ? nil : value
    }

    private static let posix = Locale(identifier: "en_US_POSIX")
}

// MARK: - Scanning

extension JSONNumber {
    /// A number scanned from the start of a buffer, and how many bytes it took.
    struct Scanned {
        var number: JSONNumber
        var length: Int
    }

    /// Why a scan failed, with the offset (from the buffer start) of the offending byte.
    struct ScanFailure: Error {
        var offset: Int
        var message: String
    }

    /// Scans the longest JSON number at the start of `bytes`.
    ///
    /// - Returns: `nil` when `bytes` does not start with a valid JSON number.
    static func scan(_ bytes: UnsafeRawBufferPointer) -> Scanned? {
        try? scanOrFail(bytes).get()
    }

    /// Scans the JSON number at the start of `bytes`, saying what is wrong when it is not one.
    ///
    /// Bytes after the number are not examined beyond the first one that cannot
    /// continue it; the caller decides whether what follows is allowed.
    static func scanOrFail(_ bytes: UnsafeRawBufferPointer) -> Result<Scanned, ScanFailure> {
        let n = bytes.count
        var i = 0
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

        var negative = false
        if i < n, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < n, isDigit(bytes[i]) else {
            return .failure(ScanFailure(offset: i, message: "expected a digit in number"))
        }
        let intStart = i
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < n, isDigit(bytes[i]) {
                return .failure(ScanFailure(offset: intStart, message: "leading zeros are not allowed in numbers"))
            }
        } else {
            while i < n, isDigit(bytes[i]) { i += 1 }
        }
        let intEnd = i
        var fracStart = i
        var fracEnd = i
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < n, isDigit(bytes[i]) { i += 1 }
            fracEnd = i
            guard fracEnd > fracStart else {
                return .failure(ScanFailure(offset: i, message: "expected a digit after the decimal point"))
            }
        }
        var exp = 0
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            while i < n, isDigit(bytes[i]) {
                // Saturate rather than overflow; the magnitude check below refuses it.
                if exp <= maxExponentMagnitude { exp = exp * 10 + Int(bytes[i] &- 0x30) }
                i += 1
            }
            guard i > expStart else {
                return .failure(ScanFailure(offset: i, message: "expected a digit in the exponent"))
            }
            guard exp <= maxExponentMagnitude else {
                return .failure(ScanFailure(offset: expStart, message: "number exponent is out of range"))
            }
            if expNegative { exp = -exp }
        }

        // Significant digits: integer digits then fraction digits, without leading zeros.
        var digits: [UInt8] = []
        digits.reserveCapacity((intEnd - intStart) + (fracEnd - fracStart))
        for j in intStart..<intEnd where !(digits.isEmpty && bytes[j] == UInt8(ascii: "0")) {
            digits.append(bytes[j])
        }
        for j in fracStart..<fracEnd where !(digits.isEmpty && bytes[j] == UInt8(ascii: "0")) {
            digits.append(bytes[j])
        }
        var exponent = exp - (fracEnd - fracStart)
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        let literal = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<i]), as: UTF8.self)
        let number: JSONNumber
        if digits.isEmpty {
            number = JSONNumber(isNegative: false, significand: "0", exponent: 0, writtenAs: literal)
        } else {
            number = JSONNumber(
                isNegative: negative, significand: String(decoding: digits, as: UTF8.self), exponent: exponent,
                writtenAs: literal)
        }
        return .success(Scanned(number: number, length: i))
    }

    /// Writes `±digits × 10^exponent` the way JavaScript's `Number.prototype.toString` does.
    private static func render(isNegative: Bool, digits: String, exponent: Int) -> String {
        let k = digits.utf8.count
        // n: the position of the decimal point relative to the first digit (ECMA-262 Number::toString).
        let n = k + exponent
        var out = isNegative ? "-" : ""
        if exponent >= 0 && n <= 21 {
            out += digits
            out += String(repeating: "0", count: exponent)
        } else if 0 < n && n <= 21 {
            let split = digits.utf8.index(digits.startIndex, offsetBy: n)
            out += digits[..<split]
            out += "."
            out += digits[split...]
        } else if -6 < n && n <= 0 {
            out += "0."
            out += String(repeating: "0", count: -n)
            out += digits
        } else {
            let first = digits.utf8.index(after: digits.startIndex)
            out += digits[..<first]
            if k > 1 {
                out += "."
                out += digits[first...]
            }
            out += n - 1 >= 0 ? "e+" : "e-"
            out += String((n - 1).magnitude)
        }
        return out
    }
}
