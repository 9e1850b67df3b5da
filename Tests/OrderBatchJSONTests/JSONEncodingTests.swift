import OrderBatchJSON
import Testing

/// Reference strings were produced by Node.js `JSON.stringify` on the same values.
@Suite struct JSONEncodingTests {
    private func compact(_ text: String) throws -> String { try JSONValue.parse(text).compactText }

    @Test func matchesJSONStringifyForRapydMetadata() throws {
        #expect(
            try compact(#"{ "metadata" : { "batch": "b1" }, "status": "paid" }"#)
                == #"{"metadata":{"batch":"b1"},"status":"paid"}"#)
    }

    @Test func escapesStringsMinimally() throws {
        // JSON.stringify({a:"\u0001\"\\/é"}) === '{"a":"\\u0001\\"\\\\/é"}'
        #expect(try compact(#"{"a":"\u0001\"\\\/é"}"#) == #"{"a":"\u0001\"\\/é"}"#)
        // JSON.stringify("\b\f\n\r\t\u000b\u001f\u007f\u2028 😀")
        let value = JSONValue.string("\u{8}\u{C}\n\r\t\u{B}\u{1F}\u{7F}\u{2028} 😀")
        #expect(value.compactText == "\"\\b\\f\\n\\r\\t\\u000b\\u001f\u{7F}\u{2028} 😀\"")
        #expect(JSONValue.string("\u{0}").compactText == #""\u0000""#)
    }

    @Test func writesNumbersAsJavaScriptDoes() throws {
        // JSON.stringify([10.0,1.5,-0,1e21,1e-7,0.000001,123e-2,1e20,0.1,100])
        #expect(
            try compact("[10.0, 1.50, -0, 1e21, 1e-7, 0.000001, 123e-2, 1e20, 0.10, 100]")
                == "[10,1.5,0,1e+21,1e-7,0.000001,1.23,100000000000000000000,0.1,100]")
    }

    @Test func keepsMemberOrderAndLiterals() throws {
        // JSON.stringify({z:1,a:{y:null,b:true,c:false},"":[]})
        #expect(
            try compact(#"{"z":1,"a":{"y":null,"b":true,"c":false},"":[]}"#)
                == #"{"z":1,"a":{"y":null,"b":true,"c":false},"":[]}"#)
        let built = JSONValue.object([(key: "b", value: .number(JSONNumber(2))), (key: "a", value: .array([]))])
        #expect(built.compactText == #"{"b":2,"a":[]}"#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"k":["\"\\\u001f",{"n":-1.25e-9},[[]],"€ \ud83d\ude00"]}"#
        let once = try compact(text)
        #expect(try compact(once) == once)
        #expect(once == #"{"k":["\"\\\u001f",{"n":-1.25e-9},[[]],"€ 😀"]}"#)
    }
}
