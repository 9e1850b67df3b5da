import Foundation
import ProviderRules

/// A Juspay order as the emulator stores it.
struct JuspayOrder: Sendable {
    /// The merchant's `order_id` (decoded from the path).
    var orderID: String
    /// Juspay's own id, `ordeh_` + 32 hex digits derived from the order id.
    var id: String
    /// The merchant id, or `nil` to echo the request's `x-merchantid`.
    var merchantID: String?
    /// The amount as normalised decimal text (`90`, `90.5`), sent as a JSON number.
    var amount: String
    var currency = "INR"
    var status: JuspayOrderStatus
    /// The udf and address fields set so far, by form name.
    var fields: [String: String] = [:]
    /// Creation time, ISO 8601 UTC.
    var dateCreated: String

    init(orderID: String, status: JuspayOrderStatus, amount: String, merchantID: String?, now: Double) {
        self.orderID = orderID
        self.id = "ordeh_" + EmulatorDigest.hex(EmulatorDigest.sha256(Array(orderID.utf8))).prefix(32)
        self.merchantID = merchantID
        self.amount = amount
        self.status = status
        self.dateCreated = Date(timeIntervalSince1970: now.rounded(.down)).formatted(.iso8601)
    }

    /// The order object as Update Order and Order Status return it, shaped like Juspay's documented
    /// sample response (juspay-update-order.md); customer fields are omitted because the emulator
    /// knows no customers.
    func json(requestMerchantID: String) -> EmulatorJSON {
        let links = "https://api.juspay.in/merchant/pay/" + id
        var members: [(String, EmulatorJSON)] = [
            ("status_id", .number(String(status.statusID))),
            ("status", .string(status.rawValue)),
            ("id", .string(id)),
            ("merchant_id", .string(merchantID ?? requestMerchantID)),
            ("amount", .number(amount)),
            ("currency", .string(currency)),
            ("order_id", .string(orderID)),
            ("date_created", .string(dateCreated)),
            ("return_url", .string("")),
            ("product_id", .string("")),
            (
                "payment_links",
                .object([
                    ("iframe", .string("https://api.juspay.in/merchant/ipay/" + id)),
                    ("web", .string(links)),
                    ("mobile", .string(links + "?mobile=true")),
                ])
            ),
        ]
        members += JuspayFields.udfFields.map { ($0, .string(fields[$0] ?? "")) }
        members += [
            ("refunded", .bool(false)),
            ("amount_refunded", .number("0")),
            ("effective_amount", .number(amount)),
            ("offers", .array([])),
        ]
        return .object(members)
    }

    /// Everything stored, for `GET /__emulator/orders/juspay/{order_id}`.
    var dump: EmulatorJSON {
        .object([
            ("provider", .string("juspay")),
            ("order_id", .string(orderID)),
            ("id", .string(id)),
            ("merchant_id", merchantID.map(EmulatorJSON.string) ?? .null),
            ("status", .string(status.rawValue)),
            ("status_id", .number(String(status.statusID))),
            ("amount", .number(amount)),
            ("currency", .string(currency)),
            ("fields", .object(fields.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("date_created", .string(dateCreated)),
        ])
    }

    /// Normalises a valid amount (`^[0-9]+(\.[0-9]{1,2})?$`) to JSON number text: `090.50` → `90.5`.
    static func normalizedAmount(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
        var start = 0
        while start < dot, bytes[start] == UInt8(ascii: "0") { start += 1 }
        var end = bytes.count
        if dot < bytes.count {
            while end > dot + 1, bytes[end - 1] == UInt8(ascii: "0") { end -= 1 }
            if end == dot + 1 { end = dot }
        }
        var out: [UInt8] = start == dot ? [UInt8(ascii: "0")] : Array(bytes[start..<dot])
        out += bytes[dot..<end]
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` is a positive amount with at most two decimals (FACTS.md §1.3).
    static func isValidAmount(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
        guard dot > 0, bytes[..<dot].allSatisfy(isDigit) else { return false }
        if dot < bytes.count {
            let fraction = bytes[(dot + 1)...]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(isDigit) else { return false }
        }
        return bytes.contains { $0 != UInt8(ascii: "0") && $0 != UInt8(ascii: ".") }
    }
}
