import Foundation
import OrderBatchCore
import ProviderRules
import Testing

/// ``UpdatePayload/storedJSON`` writes what `JSONEncoder` writes (sorted keys), and reads back,
/// through `JSONDecoder` and through ``UpdatePayload/init(stored:)`` alike.
@Suite struct UpdatePayloadTests {
    private func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A decimal from its text; the fixtures below are valid, so a bad one is a typo here.
    static func decimal(_ text: String) -> Decimal {
        guard let value = Decimal(string: text) else { preconditionFailure("not a decimal: \(text)") }
        return value
    }

    /// A JSON value from its text; the fixtures below are valid, so a bad one is a typo here.
    static func json(_ text: String) -> JSONValue {
        do { return try JSONValue.parse(text) } catch { preconditionFailure("not JSON: \(text): \(error)") }
    }

    static let juspayUpdates: [JuspayUpdate] = [
        JuspayUpdate(orderID: "ORD1", routingID: "cust1", amount: Self.decimal("90.5")),
        JuspayUpdate(
            orderID: "ORD2", routingID: #"c "q" \ / é"#, amount: Self.decimal("1234567.89"),
            fields: [
                .init(name: "udf7", value: #"50% off! "quoted" \back\slash/ ünï 😀"#),
                .init(name: "shipping_address_city", value: "Delhi, NCR"),
            ]),
    ]

    static let rapydUpdates: [RapydUpdate] = [
        RapydUpdate(orderID: "order_1", metadata: Self.json(#"{"b":[1,2.50,"x\"y"],"a":{"é":null}}"#)),
        RapydUpdate(orderID: "order_2", coupon: "coupon_9", taxPercent: Self.decimal("13.500")),
        RapydUpdate(orderID: "order_3", metadata: Self.json(#"{"k":"\u2028 / 😀"}"#), status: .paid),
    ]

    @Test(arguments: juspayUpdates) func juspayMatchesTheEncoderAndReadsBack(_ update: JuspayUpdate) throws {
        #expect(update.storedJSON == (try encoded(update)))
        #expect(try JSONDecoder().decode(JuspayUpdate.self, from: Data(update.storedJSON.utf8)) == update)
        #expect(try JuspayUpdate(stored: StoredPayload(update.storedJSON)) == update)
    }

    @Test(arguments: rapydUpdates) func rapydMatchesTheEncoderAndReadsBack(_ update: RapydUpdate) throws {
        #expect(update.storedJSON == (try encoded(update)))
        #expect(try JSONDecoder().decode(RapydUpdate.self, from: Data(update.storedJSON.utf8)) == update)
        #expect(try RapydUpdate(stored: StoredPayload(update.storedJSON)) == update)
    }

    @Test(arguments: [
        ("[1]", "not a JSON object"),
        ("{", "not JSON"),
        (#"{"routing_id":"c","amount":"1","fields":[]}"#, "order_id is missing"),
        (#"{"order_id":7,"routing_id":"c","amount":"1","fields":[]}"#, "order_id is a number, not a string"),
        (#"{"order_id":"O","routing_id":"c","amount":"1e","fields":[]}"#, "amount is not a decimal: 1e"),
        (#"{"order_id":"O","routing_id":"c","amount":"1","fields":[3]}"#, "fields holds a number"),
    ])
    func aDamagedJuspayPayloadSaysWhichMember(_ text: String, _ message: String) {
        #expect(throws: StoredPayload.Problem.self) { try JuspayUpdate(stored: StoredPayload(text)) }
        do {
            _ = try JuspayUpdate(stored: StoredPayload(text))
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test(arguments: [
        (#"{"order_id":"order_1","status":"shipped"}"#, "status is not a Rapyd order status: shipped"),
        (#"{"order_id":"order_1","metadata":"{x"}"#, "metadata is not JSON"),
        (#"{"order_id":"order_1","tax_percent":"ten"}"#, "tax_percent is not a decimal: ten"),
    ])
    func aDamagedRapydPayloadSaysWhichMember(_ text: String, _ message: String) {
        do {
            _ = try RapydUpdate(stored: StoredPayload(text))
            Issue.record("decoded a damaged payload")
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }
}
