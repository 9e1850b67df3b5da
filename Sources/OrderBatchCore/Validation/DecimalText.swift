import Foundation

/// Plain decimal numbers as input files write them: `90`, `90.5`, `100.15`. No sign, no
/// exponent, no thousands separator, no `NaN`: anything else is a clear error, and the value
/// is built exactly, never through `Double`.
enum DecimalText {
    enum Problem: Error, Equatable {
        case notANumber
        case tooManyFractionDigits(Int)
        case tooLarge
    }

    /// Parses `text` allowing at most `maxFractionDigits` digits after the point and at most
    /// 15 before it.
    static func parse(_ text: String, maxFractionDigits: Int) -> Result<Decimal, Problem> {
        text.withUTF8Bytes { parse($0, maxFractionDigits: maxFractionDigits) }
    }

    /// Parses the UTF-8 bytes of a number; see ``parse(_:maxFractionDigits:)``.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxFractionDigits: Int) -> Result<Decimal, Problem> {
        var mantissa: UInt64 = 0
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        var any = false
        for b in bytes {
            if b == 0x2E {  // "."
                if seenPoint { return .failure(.notANumber) }
                seenPoint = true
                continue
            }
            let d = b &- 0x30
            guard d < 10 else { return .failure(.notANumber) }
            any = true
            if seenPoint { fractionDigits += 1 } else if integerDigits > 0 || d != 0 { integerDigits += 1 }
            if integerDigits > 15 { return .failure(.tooLarge) }
            if fractionDigits > 18 { return .failure(.tooManyFractionDigits(fractionDigits)) }
            mantissa = mantissa &* 10 &+ UInt64(d)
        }
        guard any, bytes.last != 0x2E, bytes.first != 0x2E else { return .failure(.notANumber) }
        // Trailing zeros after the point do not count against the limit: 90.50 is 90.5.
        var m = mantissa
        var scale = fractionDigits
        while scale > 0 && m % 10 == 0 {
            m /= 10
            scale -= 1
        }
        if scale > maxFractionDigits { return .failure(.tooManyFractionDigits(scale)) }
        return .success(Decimal(sign: .plus, exponent: -scale, significand: Decimal(m)))
    }
}
