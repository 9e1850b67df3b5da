import Foundation

/// Juspay's rules on a cell's UTF-8 bytes, and the byte path of ``JuspayValidator/check(_:)`` for
/// rows lent by the CSV reader (issue #12).
///
/// Each rule is written once, here, over bytes. ``JuspayValidator/validate(_:)`` and
/// ``JuspayValidator/check(_:)`` call it on a `String`'s bytes in place and only build a message
/// when it fails; ``JuspayValidator/check(lent:)`` calls it on the reader's buffer and builds
/// nothing. `RowCheckTests` runs every rule's boundary through both paths.
extension JuspayValidator {
    /// Why an amount is refused: zero, or not a number ``DecimalText`` accepts.
    enum AmountProblem: Error {
        case zero
        case number(DecimalText.Problem)
    }

    /// A non-empty order id passes: letters and digits only, at most ``maxOrderIDLength`` bytes.
    @inline(__always)
    static func orderIDPasses(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count <= maxOrderIDLength && CellText.isAlphanumericASCII(bytes)
    }

    /// A non-empty routing id passes: printable ASCII (so no control character), no leading or
    /// trailing space, at most ``maxRoutingIDLength`` bytes.
    @inline(__always)
    static func routingIDPasses(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        CellText.isPrintableASCII(bytes) && !CellText.hasOuterSpace(bytes) && bytes.count <= maxRoutingIDLength
    }

    /// A non-empty amount: a plain decimal with at most 2 decimal places, greater than zero.
    @inline(__always)
    static func amount(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Decimal, AmountProblem> {
        switch DecimalText.parse(bytes, maxFractionDigits: 2) {
        case .success(let d): d.isZero ? .failure(.zero) : .success(d)
        case .failure(let problem): .failure(.number(problem))
        }
    }

    /// A non-empty optional field certainly passes: no byte that may start a control character
    /// (below 0x20, 0x7F, and the lead bytes 0xC2 and 0xE2 of C1 controls and U+2028/U+2029), at
    /// most ``maxFieldLength`` bytes, and `rule`'s bytes and length. False does not always mean
    /// refused: ``fieldProblem(_:_:rule:)`` then decides on the characters.
    @inline(__always)
    static func fieldPasses(_ bytes: UnsafeBufferPointer<UInt8>, rule: FieldRule) -> Bool {
        guard bytes.count <= maxFieldLength,
            !bytes.contains(where: { b in b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2 })
        else { return false }
        // `rule` is switched on outside the loops so that each loop is simple.
        switch rule {
        case .countryCode: return bytes.count == 3 && bytes.allSatisfy { FieldRule.countryCode.allows($0) }
        case .phone: return bytes.count <= 32 && bytes.allSatisfy { FieldRule.phone.allows($0) }
        case .plainUDF: return bytes.allSatisfy { FieldRule.plainUDF.allows($0) }
        case .none: return true
        }
    }

    public var checksLentRows: Bool { true }

    public func check(lent fields: UnsafeBufferPointer<UnsafeRawBufferPointer>) -> UInt64? {
        // Column kinds come from the header; without them the record path decides.
        guard let kinds = plan?.kindBuffer, kinds.count == fields.count else { return nil }
        var fingerprint: UInt64?
        var routingID = false
        var amount = false
        for i in fields.indices {
            let bytes = fields[i].assumingMemoryBound(to: UInt8.self)
            // An empty cell is a missing value: refused for a required column, skipped otherwise.
            switch kinds[i] {
            case .orderID:
                guard !bytes.isEmpty, Self.orderIDPasses(bytes) else { return nil }
                fingerprint = OrderFingerprint.of(asciiLowercasing: bytes)
            case .routingID:
                guard !bytes.isEmpty, Self.routingIDPasses(bytes) else { return nil }
                routingID = true
            case .amount:
                guard !bytes.isEmpty, case .success = Self.amount(bytes) else { return nil }
                amount = true
            case .ignored:
                continue
            case .field(let rule):
                guard bytes.isEmpty || Self.fieldPasses(bytes, rule: rule) else { return nil }
            }
        }
        return routingID && amount ? fingerprint : nil
    }
}
