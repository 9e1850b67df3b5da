import Foundation
import ProviderRules

/// One validated Rapyd Update Order request: what `POST /v1/orders/{order}` will send.
public struct RapydUpdate: Sendable, Equatable, UpdatePayload {
    /// The Rapyd order id (`order_…`).
    public var orderID: String
    /// A coupon id (`coupon_…`); only while the order is `created`.
    public var coupon: String?
    /// A JSON object; allowed in `created`, `pending`, `paid`, `fulfilled`.
    public var metadata: JSONValue?
    /// 0–100; only while the order is `created`.
    public var taxPercent: Decimal?
    /// The new status; only while the order is `pending`, `paid` or `fulfilled`.
    public var status: RapydOrderStatus?

    public init(
        orderID: String, coupon: String? = nil, metadata: JSONValue? = nil, taxPercent: Decimal? = nil,
        status: RapydOrderStatus? = nil
    ) {
        self.orderID = orderID
        self.coupon = coupon
        self.metadata = metadata
        self.taxPercent = taxPercent
        self.status = status
    }

    /// The body fields this update sets, in the order they are written on the wire.
    public var fieldNames: [String] {
        var names: [String] = []
        if coupon != nil { names.append("coupon") }
        if metadata != nil { names.append("metadata") }
        if status != nil { names.append("status") }
        if taxPercent != nil { names.append("tax_percent") }
        return names
    }

    private enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case coupon, metadata
        case taxPercent = "tax_percent"
        case status
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try c.decode(String.self, forKey: .orderID)
        coupon = try c.decodeIfPresent(String.self, forKey: .coupon)
        if let text = try c.decodeIfPresent(String.self, forKey: .metadata) {
            metadata = try JSONValue.parse(text)
        }
        if let text = try c.decodeIfPresent(String.self, forKey: .taxPercent) {
            taxPercent = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        }
        status = try c.decodeIfPresent(RapydOrderStatus.self, forKey: .status)
    }

    public init(stored: StoredPayload) throws(StoredPayload.Problem) {
        orderID = try stored.string("order_id")
        coupon = try stored.optionalString("coupon")
        if let text = try stored.optionalString("metadata") {
            do {
                metadata = try JSONValue.parse(text)
            } catch {
                throw StoredPayload.Problem(message: "metadata is not JSON: \(error)")
            }
        }
        taxPercent = try stored.optionalDecimal("tax_percent")
        if let text = try stored.optionalString("status") {
            guard let status = RapydOrderStatus(rawValue: text) else {
                throw StoredPayload.Problem(message: "status is not a Rapyd order status: \(text)")
            }
            self.status = status
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(orderID, forKey: .orderID)
        try c.encodeIfPresent(coupon, forKey: .coupon)
        // Metadata travels as its compact JSON text, decimals as text: nothing passes through Double.
        try c.encodeIfPresent(metadata?.compactText, forKey: .metadata)
        try c.encodeIfPresent(taxPercent?.plainText, forKey: .taxPercent)
        try c.encodeIfPresent(status, forKey: .status)
    }

    /// What ``encode(to:)`` gives with sorted keys, written directly.
    public var storedJSON: String {
        var members: [(key: String, value: JSONValue)] = []
        if let coupon { members.append(("coupon", .string(coupon))) }
        if let metadata { members.append(("metadata", .string(metadata.compactText))) }
        members.append(("order_id", .string(orderID)))
        if let status { members.append(("status", .string(status.rawValue))) }
        if let taxPercent { members.append(("tax_percent", .string(taxPercent.plainText))) }
        return JSONValue.object(members).compactText
    }
}
