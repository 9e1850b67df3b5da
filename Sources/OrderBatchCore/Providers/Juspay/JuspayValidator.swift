import Foundation
import ProviderRules

/// Juspay Update Order's static rules (FACTS.md §1.2, §1.3): one row → one ``JuspayUpdate``.
///
/// Columns: `order_id`, `routing_id`, `amount` (all required), the 22 documented address
/// fields and `udf1`…`udf10` (optional; an empty cell leaves the field unchanged).
public struct JuspayValidator: RowValidator {
    /// Juspay: "alphanumeric and shorter than 21 characters".
    static let maxOrderIDLength = 20
    /// The documented UDF limit, applied to address fields too (no limit is published for them).
    static let maxFieldLength = 255
    static let maxRoutingIDLength = 128
    static let required = ["order_id", "routing_id", "amount"]
    static let accepted: Set<String> = Set(required + JuspayFields.addressFields + JuspayFields.udfFields)

    /// The kind of each column of one header, worked out once (``specialized(forColumns:)``).
    private(set) var plan: ColumnPlan?

    public init() {}

    /// What a column is, for ``validate(_:)``.
    enum ColumnKind {
        case orderID, routingID, amount
        /// Not checked: an `ob_` report column or an unknown name (reported by ``columnIssues(_:line:)``).
        case ignored
        /// An optional address or UDF field with its extra rule.
        case field(FieldRule)

        var isAmount: Bool {
            if case .amount = self { return true }
            return false
        }

        init(_ column: String) {
            switch column {
            case "order_id": self = .orderID
            case "routing_id": self = .routingID
            case "amount": self = .amount
            default:
                if column.hasPrefix(reportColumnPrefix) || !JuspayValidator.accepted.contains(column) {
                    self = .ignored
                } else {
                    self = .field(FieldRule(column))
                }
            }
        }
    }

    /// One header's column kinds.
    ///
    /// A class, so that the validator is one reference: held as `any RowValidator` it fits the
    /// existential's inline buffer, and ``validate(_:)`` takes the plan with one retain instead
    /// of copying its two arrays.
    ///
    /// `@unchecked Sendable`: every property is a constant, and `kindBuffer`'s memory is written
    /// once in `init` and freed in `deinit`.
    final class ColumnPlan: @unchecked Sendable {
        /// The header.
        let columns: [String]
        /// The kind of each column, aligned with `columns`.
        let kinds: [ColumnKind]
        /// `kinds` in memory of its own, for the byte path (``check(lent:)``): reading it costs
        /// no retain of an array.
        let kindBuffer: UnsafeMutableBufferPointer<ColumnKind>
        /// How many columns are optional fields: the most fields one row can set.
        let fieldCount: Int

        init(_ columns: [String]) {
            self.columns = columns
            let kinds = columns.map(ColumnKind.init)
            self.kinds = kinds
            kindBuffer = .allocate(capacity: kinds.count)
            _ = kindBuffer.initialize(fromContentsOf: kinds)
            fieldCount = kinds.count { if case .field = $0 { true } else { false } }
        }

        deinit { kindBuffer.deallocate() }
    }

    /// The rule an optional field adds to the length and control-character checks.
    enum FieldRule {
        case countryCode, phone, plainUDF, none

        /// Whether the rule accepts the byte `b` (the whole value must hold only such bytes).
        @inline(__always)
        func allows(_ b: UInt8) -> Bool {
            switch self {
            case .countryCode: b &- 0x41 < 26
            case .phone: b &- 0x30 < 10 || b == 0x2B || b == 0x2D || b == 0x20 || b == 0x28 || b == 0x29
            case .plainUDF:
                b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26 || b == 0x20 || b == 0x2D || b == 0x5F || b == 0x2E
            case .none: true
            }
        }

        init(_ column: String) {
            if column.hasSuffix("country_code_iso") {
                self = .countryCode
            } else if column.hasSuffix("_phone") {
                self = .phone
            } else if let n = Int(column.dropFirst(3)), column.hasPrefix("udf"), n <= 5 {
                self = .plainUDF
            } else {
                self = .none
            }
        }
    }

    public func specialized(forColumns columns: [String]) -> any RowValidator {
        var copy = self
        copy.plan = ColumnPlan(columns)
        return copy
    }

    public func columnIssues(_ columns: [String], line: Int) -> [InputIssue] {
        var issues: [InputIssue] = []
        for c in columns where !Self.accepted.contains(c) && !c.hasPrefix(reportColumnPrefix) {
            issues.append(
                InputIssue(
                    line: line, column: c,
                    message: "unknown column; Juspay Update Order accepts order_id, routing_id, amount, "
                        + "billing_address_*/shipping_address_* (22 names) and udf1…udf10"))
        }
        for r in Self.required where !columns.contains(r) {
            issues.append(InputIssue(line: line, column: r, message: "required column is missing"))
        }
        return issues
    }

    public func validate(_ record: InputRecord) -> RowVerdict {
        // Order ids passed `orderIDProblem`, so they are ASCII: this equals `lowercased()`.
        read(record) { orderID, routingID, amount, fields in
            .valid(
                ValidatedRow(
                    orderID: orderID, duplicateKey: CellText.asciiLowercased(orderID),
                    update: JuspayUpdate(orderID: orderID, routingID: routingID, amount: amount, fields: fields)))
        } invalid: {
            .invalid($0)
        }
    }

    public func check(_ record: InputRecord) -> RowCheck {
        // The fingerprint of `asciiLowercased(orderID)`, as ``validate(_:)``'s duplicate key gives.
        read(record) { orderID, _, _, _ in
            .valid(duplicateKeyFingerprint: OrderFingerprint.of(asciiLowercasing: orderID))
        } invalid: {
            .invalid($0)
        }
    }

    /// Every rule on one record; `valid` gets the checked values, `invalid` the issues.
    /// Shared by ``validate(_:)`` and ``check(_:)``, which differ only in what they build.
    @inline(__always)
    private func read<R>(
        _ record: InputRecord, valid: (String, String, Decimal, [JuspayUpdate.Field]) -> R,
        invalid: ([InputIssue]) -> R
    ) -> R {
        let line = record.line
        let columns = record.columns
        var issues: [InputIssue] = []
        var orderID: String?
        var routingID: String?
        var amount: Decimal?
        var fields: [JuspayUpdate.Field] = []
        // Same array as the plan's (records of a CSV file share their header's): O(1).
        let plan = self.plan.flatMap { $0.columns == columns ? $0 : nil }
        // One allocation for the fields, not one per doubling.
        if let plan, plan.fieldCount > 0 { fields.reserveCapacity(plan.fieldCount) }
        let kinds = plan?.kinds

        for i in columns.indices {
            let column = columns[i]
            let kind = kinds?[i] ?? ColumnKind(column)
            let text: String?
            if case .text(let s) = record.values[i] {
                text = s.isEmpty ? nil : s  // a CSV cell: what `CellText.text` returns, without a `Result`
            } else {
                switch CellText.text(record.values[i], column: column, line: line, allowNumber: kind.isAmount) {
                case .success(let t): text = t
                case .failure(let issue):
                    issues.append(issue)
                    continue
                }
            }
            func problem(_ message: String) { issues.append(InputIssue(line: line, column: column, message: message)) }
            switch kind {
            case .orderID:
                guard let t = text else {
                    problem("is required")
                    continue
                }
                if let m = Self.orderIDProblem(t) { problem(m) } else { orderID = t }
            case .routingID:
                guard let t = text else {
                    problem("is required (sent as x-routing-id; Juspay recommends the customer id)")
                    continue
                }
                if t.withUTF8Bytes(Self.routingIDPasses) { routingID = t } else { problem(Self.routingIDProblem(t)) }
            case .amount:
                guard let t = text else {
                    problem("is required: the new amount, e.g. 90.00")
                    continue
                }
                switch t.withUTF8Bytes(Self.amount) {
                case .success(let d): amount = d
                case .failure(.zero): problem("must be greater than zero (got \"\(t)\")")
                case .failure(.number(.tooManyFractionDigits)):
                    problem("has more than 2 decimal places (got \"\(t)\"); Juspay accepts e.g. 100.15 or 100")
                case .failure(.number(.tooLarge)):
                    problem("is too large (got \"\(t)\"); at most 15 digits before the point")
                case .failure(.number(.notANumber)):
                    problem(
                        "must be a positive decimal number such as 90 or 90.50, no sign, exponent or separators (got \"\(Self.quoted(t))\")"
                    )
                }
            case .ignored:
                continue
            case .field(let rule):
                guard let t = text else { continue }
                if let m = Self.fieldProblem(column, t, rule: rule) {
                    problem(m)
                } else {
                    fields.append(.init(name: column, value: t))
                }
            }
        }
        guard issues.isEmpty, let orderID, let routingID, let amount else {
            return invalid(issues)
        }
        return valid(orderID, routingID, amount, fields)
    }

    static func orderIDProblem(_ t: String) -> String? {
        if t.withUTF8Bytes(orderIDPasses) { return nil }
        let why = t.utf8.count > maxOrderIDLength ? "is \(t.count) characters long" : "contains \(describeFirstBad(t))"
        return
            "\(why); Juspay order ids are letters and digits only, at most \(maxOrderIDLength) characters (got \"\(quoted(t))\")"
    }

    /// Why a routing id that fails ``routingIDPasses(_:)`` fails.
    static func routingIDProblem(_ t: String) -> String {
        // Printable ASCII has no control character: the first and third checks pass.
        let printable = CellText.isPrintableASCII(t)
        if !printable, let c = CellText.firstControlCharacter(t) { return "contains a control character (\(c))" }
        if CellText.hasOuterSpace(t) { return "has leading or trailing spaces" }
        if !printable { return "must be printable ASCII: it is sent as the x-routing-id header" }
        return "is \(t.utf8.count) characters long; at most \(maxRoutingIDLength)"
    }

    static func fieldProblem(_ column: String, _ t: String, rule: FieldRule) -> String? {
        if t.withUTF8Bytes({ fieldPasses($0, rule: rule) }) { return nil }
        // Why it fails: the checks in their order. Not every value the byte rule turns away is
        // wrong (a C2/E2 lead byte that starts no control character, a long value of few characters).
        let followsRule = t.withUTF8Bytes { bytes in bytes.allSatisfy { rule.allows($0) } }
        if let c = CellText.firstControlCharacter(t) {
            return "contains a control character (\(c))"
        }
        // A string has at most as many characters as UTF-8 bytes: count them only when needed.
        if t.utf8.count > maxFieldLength {
            let length = t.count
            if length > maxFieldLength { return "is \(length) characters long; at most \(maxFieldLength)" }
        }
        switch rule {
        case .countryCode:
            guard t.utf8.count == 3, followsRule else {
                return "must be a 3-letter ISO country code in capitals, e.g. IND (got \"\(quoted(t))\")"
            }
        case .phone:
            guard t.utf8.count <= 32, followsRule
            else { return "must be a phone number: digits, spaces, + - ( ), at most 32 (got \"\(quoted(t))\")" }
        case .plainUDF:
            // Juspay: values with special characters go in udf6–udf10 only.
            if !followsRule {
                return
                    "\(column) takes letters, digits, spaces, '-', '_' and '.' only; Juspay wants values with special characters in udf6…udf10"
            }
        case .none:
            break
        }
        return nil
    }

    static func describeFirstBad(_ t: String) -> String {
        for u in t.unicodeScalars {
            let v = u.value
            if v < 0x80 && (CharacterSet.alphanumerics.contains(u)) { continue }
            switch u {
            case " ": return "a space"
            case "/": return "'/'"
            case ".": return "'.'"
            case "\r": return "a carriage return"
            case "\n": return "a line feed"
            default:
                return v < 0x20 || v == 0x7F
                    ? String(format: "control character U+%04X", v)
                    : v < 0x80 ? "'\(u)'" : String(format: "non-ASCII character U+%04X", v)
            }
        }
        return "an invalid character"
    }

    /// The value as shown in a message: control characters escaped, long values cut.
    static func quoted(_ t: String) -> String {
        var out = ""
        for u in t.unicodeScalars.prefix(40) {
            switch u {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += String(format: "\\u%04X", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return t.unicodeScalars.count > 40 ? out + "…" : out
    }
}
