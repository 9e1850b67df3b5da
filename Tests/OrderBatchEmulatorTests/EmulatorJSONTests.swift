import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct EmulatorJSONTests {
    @Test func roundTripsKeyOrderAndNumberText() throws {
        let text = #"{"b":1.50,"a":[true,null,"x\"\n\u00e9"],"c":{}}"#
        let value = try EmulatorJSON.parse(Array(text.utf8))
        #expect(value.text == #"{"b":1.50,"a":[true,null,"x\"\né"],"c":{}}"#)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let value = EmulatorJSON.string("q\" b\\ n\n r\r t\t \u{01}\u{1F} é/")
        #expect(value.text == #""q\" b\\ n\n r\r t\t \u0001\u001f é/""#)
    }

    @Test(arguments: [#"{"a":1,}"#, "01", #"{"a":1}x"#, #"{"a":1,"a":2}"#, #""\ud800""#, "", "[1 2]", "-"])
    func refusesInvalidJSON(text: String) {
        #expect(throws: EmulatorJSON.ParseError.self) { try EmulatorJSON.parse(Array(text.utf8)) }
    }
}
