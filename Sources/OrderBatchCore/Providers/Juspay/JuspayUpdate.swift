import Foundation

/// One validated Juspay Update Order request: what `POST /orders/{order_id}` will send.
public struct JuspayUpdate: Sendable, Equatable, UpdatePayload {
    /// A form field other than `amount`: an address field or a UDF.
    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The merchant's order id (alphanumeric, under 21 characters).
    public var orderID: String
    /// Sent as the `x-routing-id` header (Juspay recommends the customer id).
    public var routingID: String
    /// The new amount, at most two decimal places, positive.
    public var amount: Decimal {
        didSet { amountText = amount.plainText }
    }
    /// `amount.plainText`, as sent and stored: taken from the stored text when that is already plain,
    /// so that sending a row does not write the decimal again.
    public private(set) var amountText: String
    /// Address and UDF fields, in input column order.
    public var fields: [Field]

    public init(orderID: String, routingID: String, amount: Decimal, fields: [Field] = []) {
        self.orderID = orderID
        self.routingID = routingID
        self.amount = amount
        self.amountText = amount.plainText
        self.fields = fields
    }

    private enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case routingID = "routing_id"
        case amount, fields
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try c.decode(String.self, forKey: .orderID)
        routingID = try c.decode(String.self, forKey: .routingID)
        let text = try c.decode(String.self, forKey: .amount)
        guard let amount = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw DecodingError.dataCorruptedError(forKey: .amount, in: c, debugDescription: "not a decimal: \(text)")
        }
        self.amount = amount
        amountText = Decimal.isPlainText(text) ? text : amount.plainText
        fields = try c.decode([Field].self, forKey: .fields)
    }

    public init(stored: StoredPayload) throws(StoredPayload.Problem) {
        orderID = try stored.string("order_id")
        routingID = try stored.string("routing_id")
        let amount = try stored.decimal("amount")
        self.amount = amount
        let text = try stored.string("amount")
        amountText = Decimal.isPlainText(text) ? text : amount.plainText
        fields = []
        for element in try stored.array("fields") {
            guard let name = element["name"]?.stringValue, let value = element["value"]?.stringValue else {
                throw StoredPayload.Problem(message: "fields holds \(element.typeName), not a {name, value} object")
            }
            fields.append(Field(name: name, value: value))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(orderID, forKey: .orderID)
        try c.encode(routingID, forKey: .routingID)
        // Decimals travel as text so that no encoder can route them through Double.
        try c.encode(amountText, forKey: .amount)
        try c.encode(fields, forKey: .fields)
    }

    /// What ``encode(to:)`` gives with sorted keys, written directly.
    public var storedJSON: String {
        let fieldValues: [JSONValue] = fields.map {
            .object([("name", .string($0.name)), ("value", .string($0.value))])
        }
        return JSONValue.object([
            ("amount", .string(amountText)), ("fields", .array(fieldValues)), ("order_id", .string(orderID)),
            ("routing_id", .string(routingID)),
        ]).compactText
    }
}
