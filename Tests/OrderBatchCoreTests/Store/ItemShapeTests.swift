import Testing

@testable import OrderBatchCore

/// ``ItemShape``: a text cut into its shape and strings is given back byte for byte.
@Suite struct ItemShapeTests {
    static let texts = [
        #"{"order_id":"ORD0000000001","routing_id":"cust083810","amount":"18679.25","city":"Delhi, NCR"}"#,
        #"{"a":"","b":"","c":[]}"#,
        #"{"a":"x\"y","b":"\\","c":"z"}"#,
        #"{"n":12.5,"t":true,"z":null,"s":"ünïcödé 🚀"}"#,
        #"{"nested":{"k":"v","arr":["p","q",{"r":"s"}]}}"#,
        #"["only","values"]"#,
        #""alone""#,
        #"{"open":"never closed"#,
        "not json at all",
        "",
    ]

    @Test(arguments: texts) func anInputIsCutIntoItsShapeAndValuesAndFilledBackTheSame(_ text: String) throws {
        let (template, values) = try #require(ItemShape.splitInput(text))
        let stored = values.joined(separator: String(ItemShape.valueSeparator))
        let shape = try #require(ItemShape(template: template))
        #expect(shape.text(values: ItemShape.values(stored)) == text)
        // Only strings in value position are cut out; keys stay in the shape.
        if text.hasPrefix(#"{"order_id""#) {
            #expect(values == ["ORD0000000001", "cust083810", "18679.25", "Delhi, NCR"])
            #expect(template.hasPrefix(#"{"order_id":""#))
        }
    }

    @Test func aPayloadRefersToTheInputsValuesAndKeepsOrMovesItsOwnStrings() throws {
        let input = #"{"order_id":"A1","amount":"10.50","udf1":"reprice"}"#
        let payload = #"{"amount":"10.5","fields":[{"name":"udf1","value":"reprice"}],"order_id":"A1"}"#
        let (_, values) = try #require(ItemShape.splitInput(input))
        let kept = try #require(ItemShape.splitPayload(payload, values: values, keepUnmatched: true))
        #expect(kept.extras.isEmpty)
        #expect(kept.template.contains(#""10.5""#) && kept.template.contains(#""udf1""#))
        #expect(try #require(ItemShape(template: kept.template)).text(values: values.map { $0[...] }) == payload)
        let moved = try #require(ItemShape.splitPayload(payload, values: values, keepUnmatched: false))
        #expect(moved.extras == ["10.5", "udf1"])
        #expect(!moved.template.contains("10.5"))
        let all = (values + moved.extras).joined(separator: String(ItemShape.valueSeparator))
        #expect(try #require(ItemShape(template: moved.template)).text(values: ItemShape.values(all)) == payload)
    }

    @Test func aTextWithAControlCharacterHasNoShape() {
        #expect(ItemShape.splitInput("{\"a\":\"x\u{1F}y\"}")?.template == nil)
        #expect(ItemShape.splitInput("{\"a\":\u{1}}")?.template == nil)
        #expect(ItemShape.splitPayload("\u{2}", values: [], keepUnmatched: true)?.template == nil)
    }

    @Test func aShapeWithAHoleBeyondTheValuesFillsNothing() throws {
        let shape = try #require(ItemShape(template: "{\"a\":\"\u{1}3\u{2}\"}"))
        #expect(shape.text(values: ["x"]) == nil)
        #expect(ItemShape(template: "{\u{1}x\u{2}}") == nil)
    }
}
