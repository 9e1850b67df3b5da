import OrderBatchJSON
import Testing

/// `parseMembers` against `parse`: the same verdict and the same error for every text, and, for an
/// object, the same members as the full parse filtered by key.
@Suite struct JSONMembersTests {
    private static let order = Array(
        #"""
        {"status_id":1,"status":"NEW","id":"ordeh_1","merchant_id":"m","amount":90.5,"currency":"INR",
        "order_id":"ORD1","payment_links":{"iframe":"https://x/y","web":"w","mobile":"m?mobile=true"},
        "udf1":"a\"b\u00e9","refunded":false,"amount_refunded":0,"offers":[],"nested":[[1,{"k":null}],true,-0.5e3]}
        """#.utf8)

    private func agree(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let full = Result { () throws(JSONParseError) in try JSONValue.parse(bytes: bytes) }
        let some = Result { () throws(JSONParseError) in
            try JSONValue.parseMembers(bytes: bytes) { $0 == "amount" || $0 == "status" }
        }
        switch (full, some) {
        case (.failure(let a), .failure(let b)):
            #expect(a == b, sourceLocation: sourceLocation)
        case (.success(.object(let members)), .success(let kept?)):
            let expected = members.filter { $0.key == "amount" || $0.key == "status" }
            #expect(kept.map(\.key) == expected.map(\.key), sourceLocation: sourceLocation)
            #expect(kept.map(\.value) == expected.map(\.value), sourceLocation: sourceLocation)
        case (.success(let value), .success(nil)):
            if case .object = value { Issue.record("an object reported as not one", sourceLocation: sourceLocation) }
        default:
            Issue.record(
                "parse and parseMembers disagree on \(String(decoding: bytes, as: UTF8.self)): \(full) vs \(some)",
                sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        "{}", "[]", "1", "\"x\"", "null", "", " ", "{", "{\"a\":1,}", "{\"a\":1,\"a\":2}",
        "{\"amount\":1,\"amount\":2}",
        "{\"x\":{\"a\":1,\"a\":2}}", "{\"x\":[1,]}", "{\"x\":[1 2]}", "{\"amount\":NaN}", "{\"x\":-Infinity}",
        "{\"x\":01}", "{\"x\":\"\u{01}\"}", "{\"x\":\"\\ud800\"}", "{\"amount\":90.50} x", "{\"x\":tru}",
        "{\"x\" 1}", "{1:2}", "{\"status\":\"NEW\",\"amount\":\"90.5\"}",
        String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
        "{\"x\":" + String(repeating: "{\"y\":", count: 70) + "1" + String(repeating: "}", count: 71),
    ])
    func agreesOn(_ text: String) {
        agree(Array(text.utf8))
    }

    @Test func agreesOnAnOrderAndOnEveryMutationOfIt() {
        agree(Self.order)
        var random: UInt64 = 7
        func next() -> Int {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(random >> 33)
        }
        let alphabet = Array(#"{}[]":,.-+eE0123456789 truefalsnl\"#.utf8) + [0xC3, 0xA9, 0xFF, 0x01]
        for _ in 0..<5_000 {
            var bytes = Self.order
            for _ in 0..<(1 + next() % 3) {
                let at = next() % bytes.count
                switch next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet[next() % alphabet.count], at: at)
                default: bytes[at] = alphabet[next() % alphabet.count]
                }
            }
            agree(bytes)
        }
    }
}
