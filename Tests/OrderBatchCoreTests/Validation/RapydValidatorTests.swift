import Foundation
import OrderBatchCore
import ProviderRules
import Testing

@Suite struct RapydValidatorTests {
    private let v = RapydValidator()

    private func row(_ pairs: [(String, String)]) -> InputRecord {
        InputRecord(line: 5, columns: pairs.map(\.0), values: pairs.map { .text($0.1) })
    }

    private func verdict(_ pairs: [(String, String)]) -> (RapydUpdate?, [InputIssue]) {
        switch v.validate(row(pairs)) {
        case .valid(let r): return (r.update as? RapydUpdate, [])
        case .invalid(let i): return (nil, i)
        }
    }

    @Test func metadataIsAJSONObjectKeptExactly() throws {
        let (u, i) = verdict([("order_id", "order_abc123"), ("metadata", #"{"batch":"b1","n":1.50}"#)])
        #expect(i.isEmpty)
        #expect(u?.metadata?.compactText == #"{"batch":"b1","n":1.5}"#)
        for bad in [#"[1,2]"#, #""text""#, "{", #"{"a":1,}"#, #"{"a":"\u0000"}"#] {
            let (_, issues) = verdict([("order_id", "order_abc123"), ("metadata", bad)])
            #expect(issues.count == 1 && issues[0].column == "metadata" && issues[0].line == 5, "\(bad): \(issues)")
        }
    }

    @Test func taxPercentIsFromZeroToHundred() {
        for good in ["0", "13.5", "100", "7.25"] {
            #expect(verdict([("order_id", "order_a1"), ("tax_percent", good)]).1.isEmpty, "\(good)")
        }
        for bad in ["100.01", "-1", "1e2", "NaN", "abc", "13,5"] {
            let issues = verdict([("order_id", "order_a1"), ("tax_percent", bad)]).1
            #expect(issues.count == 1 && issues[0].column == "tax_percent", "\(bad)")
        }
    }

    @Test func statusMustBeKnownAndReachable() {
        #expect(verdict([("order_id", "order_a1"), ("status", "paid")]).0?.status?.rawValue == "paid")
        #expect(verdict([("order_id", "order_a1"), ("status", "shipped")]).1[0].message.contains("fulfilled"))
        #expect(verdict([("order_id", "order_a1"), ("status", "created")]).1.count == 1)
        #expect(verdict([("order_id", "order_a1"), ("status", "PAID")]).1.count == 1)
    }

    @Test func combinationsNoStatusAllowsAreRefused() {
        let i = verdict([("order_id", "order_a1"), ("tax_percent", "5"), ("status", "paid")]).1
        #expect(i.count == 1 && i[0].column == "status" && i[0].message.contains("tax_percent"))
        #expect(!verdict([("order_id", "order_a1"), ("coupon", "coupon_x1"), ("status", "paid")]).1.isEmpty)
        #expect(
            verdict([("order_id", "order_a1"), ("coupon", "coupon_x1"), ("tax_percent", "5"), ("metadata", "{}")]).1
                .isEmpty)
        #expect(verdict([("order_id", "order_a1"), ("metadata", "{}"), ("status", "fulfilled")]).1.isEmpty)
    }

    @Test func idsAndEmptyUpdates() {
        for bad in ["ord_1", "order_", "order_a/b", "order_a b", "order_../x", "order_\u{e9}"] {
            #expect(verdict([("order_id", bad), ("status", "paid")]).1.first?.column == "order_id", "\(bad)")
        }
        #expect(verdict([("order_id", "order_a1"), ("coupon", "promo")]).1.first?.column == "coupon")
        #expect(
            verdict([("order_id", "order_a1"), ("metadata", "")]).1.first?.message.contains("nothing to update") == true
        )
        #expect(v.columnIssues(["order_id", "amount"], line: 1).map(\.column) == ["amount"])
    }

    @Test func jsonlMetadataMustBeAnObjectNotAString() {
        let r = InputRecord(
            line: 9, columns: ["order_id", "metadata"], values: [.json(.string("order_a1")), .json(.string("{}"))])
        guard case .invalid(let i) = v.validate(r) else {
            Issue.record("expected invalid")
            return
        }
        #expect(i[0].message.contains("not a string"))
    }
}
