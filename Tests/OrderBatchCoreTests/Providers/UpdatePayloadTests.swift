import Foundation
import OrderBatchCore
import ProviderRules
import Testing

/// ``UpdatePayload/storedJSON`` writes what `JSONEncoder` writes (sorted keys), and reads back.
@Suite struct UpdatePayloadTests {
    private func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let juspayUpdates: [JuspayUpdate] = [
        JuspayUpdate(orderID: "ORD1", routingID: "cust1", amount: Decimal(string: "90.5")!),
        JuspayUpdate(
            orderID: "ORD2", routingID: #"c "q" \ / é"#, amount: Decimal(string: "1234567.89")!,
            fields: [
                .init(name: "udf7", value: #"50% off! "quoted" \back\slash/ ünï 😀"#),
                .init(name: "shipping_address_city", value: "Delhi, NCR"),
            ]),
    ]

    static let rapydUpdates: [RapydUpdate] = [
        RapydUpdate(orderID: "order_1", metadata: try! JSONValue.parse(#"{"b":[1,2.50,"x\"y"],"a":{"é":null}}"#)),
        RapydUpdate(orderID: "order_2", coupon: "coupon_9", taxPercent: Decimal(string: "13.500")!),
        RapydUpdate(orderID: "order_3", metadata: try! JSONValue.parse(#"{"k":"\u2028 / 😀"}"#), status: .paid),
    ]

    @Test(arguments: juspayUpdates) func juspayMatchesTheEncoderAndReadsBack(_ update: JuspayUpdate) throws {
        #expect(update.storedJSON == (try encoded(update)))
        #expect(try JSONDecoder().decode(JuspayUpdate.self, from: Data(update.storedJSON.utf8)) == update)
    }

    @Test(arguments: rapydUpdates) func rapydMatchesTheEncoderAndReadsBack(_ update: RapydUpdate) throws {
        #expect(update.storedJSON == (try encoded(update)))
        #expect(try JSONDecoder().decode(RapydUpdate.self, from: Data(update.storedJSON.utf8)) == update)
    }
}
