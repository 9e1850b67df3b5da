import Foundation
import ProviderRules

/// Rapyd Update Order's static rules (FACTS.md §2.2, §2.3): one row → one ``RapydUpdate``.
///
/// Columns: `order_id` (required), `coupon`, `metadata` (a JSON object; in CSV its JSON text),
/// `tax_percent` (0–100), `status`. Which fields an order accepts depends on its current
/// status; that check runs at send time (preflight). Here only what *no* status allows is
/// refused: `status` together with `coupon` or `tax_percent`.
public struct RapydValidator: RowValidator {
    static let accepted: Set<String> = ["order_id", "coupon", "metadata", "tax_percent", "status"]
    static let maxIDLength = 64
    static let maxMetadataBytes = 65_536
    static let maxMetadataDepth = 16

    public init() {}

    public func columnIssues(_ columns: [String], line: Int) -> [InputIssue] {
        var issues: [InputIssue] = []
        for c in columns where !Self.accepted.contains(c) && !c.hasPrefix(reportColumnPrefix) {
            issues.append(
                InputIssue(
                    line: line, column: c,
                    message:
                        "unknown column; Rapyd Update Order accepts order_id, coupon, metadata, tax_percent, status"))
        }
        if !columns.contains("order_id") {
            issues.append(InputIssue(line: line, column: "order_id", message: "required column is missing"))
        }
        return issues
    }

    public func validate(_ record: InputRecord) -> RowVerdict {
        let line = record.line
        var issues: [InputIssue] = []
        var update = RapydUpdate(orderID: "")
        var haveOrderID = false

        for (i, column) in record.columns.enumerated() {
            guard Self.accepted.contains(column) else { continue }
            func problem(_ message: String) { issues.append(InputIssue(line: line, column: column, message: message)) }
            let value = record.values[i]
            if column == "metadata" {
                switch Self.metadata(value) {
                case .success(let m): update.metadata = m
                case .failure(let p): problem(p.message)
                }
                continue
            }
            let text: String?
            switch CellText.text(value, column: column, line: line, allowNumber: column == "tax_percent") {
            case .success(let t): text = t
            case .failure(let issue):
                issues.append(issue)
                continue
            }
            guard let t = text else {
                if column == "order_id" { problem("is required") }
                continue
            }
            switch column {
            case "order_id":
                if let m = Self.idProblem(t, prefix: "order_") {
                    problem(m)
                } else {
                    update.orderID = t
                    haveOrderID = true
                }
            case "coupon":
                if let m = Self.idProblem(t, prefix: "coupon_") { problem(m) } else { update.coupon = t }
            case "tax_percent":
                switch DecimalText.parse(t, maxFractionDigits: 6) {
                case .success(let d) where d <= 100: update.taxPercent = d
                case .success, .failure(.tooLarge):
                    // A long number is shown cut at 40 characters: say how long it is.
                    let length = t.unicodeScalars.count > 40 ? ", \(t.unicodeScalars.count) characters" : ""
                    problem("must be from 0 to 100 (got \"\(JuspayValidator.quoted(t))\"\(length))")
                case .failure(.tooManyFractionDigits):
                    problem("has more than 6 decimal places (got \"\(JuspayValidator.quoted(t))\")")
                case .failure(.notANumber):
                    problem(
                        "must be a number from 0 to 100 such as 13.5, no sign or exponent (got \"\(JuspayValidator.quoted(t))\")"
                    )
                }
            case "status":
                guard let s = RapydOrderStatus(rawValue: t) else {
                    problem(
                        "\"\(JuspayValidator.quoted(t))\" is not a Rapyd order status; one of "
                            + RapydOrderStatus.allCases.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                if s == .created {
                    problem("created is an order's first status; no transition leads back to it")
                } else {
                    update.status = s
                }
            default: break
            }
        }
        if issues.isEmpty {
            if update.status != nil {
                let clash = [update.coupon != nil ? "coupon" : nil, update.taxPercent != nil ? "tax_percent" : nil]
                    .compactMap { $0 }
                if !clash.isEmpty {
                    issues.append(
                        InputIssue(
                            line: line, column: "status",
                            message:
                                "cannot be combined with \(clash.joined(separator: " and ")): no order status allows both "
                                + "(created allows coupon, metadata, tax_percent; pending, paid, fulfilled allow metadata, status)"
                        ))
                }
            }
            if update.fieldNames.isEmpty && haveOrderID {
                issues.append(
                    InputIssue(
                        line: line,
                        message: "nothing to update: set at least one of coupon, metadata, tax_percent, status"))
            }
        }
        guard issues.isEmpty, haveOrderID else { return .invalid(issues) }
        return .valid(ValidatedRow(orderID: update.orderID, duplicateKey: update.orderID, update: update))
    }

    static func idProblem(_ t: String, prefix: String) -> String? {
        let body = t.utf8.starts(with: prefix.utf8) ? Substring(t).utf8.dropFirst(prefix.utf8.count) : nil
        guard let body, !body.isEmpty, body.count <= maxIDLength, CellText.isAlphanumericASCII(body)
        else {
            return
                "must be \(prefix) followed by 1–\(maxIDLength) letters or digits (got \"\(JuspayValidator.quoted(t))\")"
        }
        return nil
    }

    static func metadata(_ value: CellValue) -> Result<JSONValue?, MetadataProblem> {
        let parsed: JSONValue
        switch value {
        case .text(let s):
            if s.isEmpty { return .success(nil) }
            if s.utf8.count > maxMetadataBytes {
                return .failure(.init("is \(s.utf8.count) bytes; at most \(maxMetadataBytes)"))
            }
            do {
                parsed = try JSONValue.parse(s, maxDepth: maxMetadataDepth)
            } catch {
                return .failure(
                    .init(
                        "is not valid JSON (\(error.message), at character \(error.column)); "
                            + "write a JSON object such as {\"batch\":\"b1\"}, quoted as one CSV cell"))
            }
        case .json(.null): return .success(nil)
        case .json(let v): parsed = v
        }
        guard case .object = parsed else {
            return .failure(.init("must be a JSON object such as {\"batch\":\"b1\"}, not \(parsed.typeName)"))
        }
        if containsNUL(parsed) { return .failure(.init("contains a NUL character (\\u0000) in a string")) }
        return .success(parsed)
    }

    static func containsNUL(_ v: JSONValue) -> Bool {
        switch v {
        case .string(let s): return s.utf8.contains(0)
        case .array(let a): return a.contains(where: containsNUL)
        case .object(let members): return members.contains { $0.key.utf8.contains(0) || containsNUL($0.value) }
        default: return false
        }
    }

    struct MetadataProblem: Error {
        var message: String
        init(_ m: String) { message = m }
    }
}
