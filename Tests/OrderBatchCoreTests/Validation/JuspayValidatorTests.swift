import Foundation
import OrderBatchCore
import Testing

@Suite struct JuspayValidatorTests {
    private let v = JuspayValidator()

    private func row(_ pairs: [(String, String)], line: Int = 2) -> InputRecord {
        InputRecord(line: line, columns: pairs.map(\.0), values: pairs.map { .text($0.1) })
    }

    private func base(_ extra: [(String, String)] = [], amount: String = "90.00", id: String = "ORD1") -> InputRecord {
        row([("order_id", id), ("routing_id", "cust1"), ("amount", amount)] + extra)
    }

    private func issues(_ r: InputRecord) -> [InputIssue] {
        if case .invalid(let i) = v.validate(r) { return i }
        return []
    }

    @Test func aValidRowBecomesATypedUpdate() throws {
        guard
            case .valid(let row) = v.validate(base([("udf1", "spring sale"), ("shipping_address_city", "Delhi, NCR")]))
        else {
            Issue.record("expected valid")
            return
        }
        let update = try #require(row.update as? JuspayUpdate)
        #expect(update.amount == Decimal(string: "90"))
        #expect(update.routingID == "cust1")
        #expect(
            update.fields == [
                .init(name: "udf1", value: "spring sale"), .init(name: "shipping_address_city", value: "Delhi, NCR"),
            ])
        #expect(row.duplicateKey == "ord1")
    }

    @Test func amountsArePositiveWithAtMostTwoDecimals() {
        for good in ["90", "90.5", "90.50", "100.15", "0.01", "100.1500"] {
            #expect(issues(base(amount: good)).isEmpty, "\(good)")
        }
        for bad in [
            "100.1532", "-5", "+5", "0", "0.00", "1e400", "1e2", "NaN", "Infinity", "1,000", " 5", "5 ", ".5", "5.", "",
            "٥", "-0", "1234567890123456",
        ] {
            let i = issues(base(amount: bad))
            #expect(i.count == 1 && i[0].column == "amount" && i[0].line == 2, "\(bad): \(i)")
        }
    }

    @Test func orderIDsFollowJuspaysFormat() {
        for bad in ["ORD/1", "..", "ORD 1", "ORD\r\n1", "ORD-1", "ÖRD1", "A23456789012345678901", "ORD%2F", "ORD?1"] {
            let i = issues(base(id: bad))
            #expect(i.count == 1 && i[0].column == "order_id", "\(bad): \(i)")
        }
        #expect(issues(base(id: "A2345678901234567890")).isEmpty)
        #expect(issues(base(id: "ORD/1"))[0].message.contains("'/'"))
    }

    @Test func requiredFields() {
        let i = issues(row([("order_id", "O1"), ("routing_id", ""), ("amount", "")]))
        #expect(Set(i.map { $0.column ?? "" }) == ["routing_id", "amount"])
        #expect(v.columnIssues(["order_id", "amount"], line: 1).map(\.column) == ["routing_id"])
    }

    @Test func addressAndUDFRules() {
        #expect(issues(base([("udf1", String(repeating: "a", count: 255))])).isEmpty)
        #expect(issues(base([("udf6", String(repeating: "a", count: 256))]))[0].message.contains("256"))
        #expect(issues(base([("udf2", "50% off!")]))[0].message.contains("udf6"))
        #expect(issues(base([("udf7", "50% off! ünïcode")])).isEmpty)
        #expect(issues(base([("udf8", "tab\there")]))[0].message.contains("control"))
        #expect(issues(base([("udf8", "nul\u{0}")]))[0].message.contains("U+0000"))
        #expect(
            issues(base([("billing_address_country_code_iso", "india")]))[0].column
                == "billing_address_country_code_iso")
        #expect(issues(base([("shipping_address_phone", "+91 (80) 1234-5678")])).isEmpty)
        #expect(!issues(base([("shipping_address_phone", "call me")])).isEmpty)
    }

    @Test func unknownColumnsAreErrorsButReportColumnsAreIgnored() {
        let i = v.columnIssues(["order_id", "routing_id", "amount", "currency", "ob_state"], line: 1)
        #expect(i.map(\.column) == ["currency"])
        #expect(i[0].message.contains("unknown column"))
        #expect(JuspayValidator().columnIssues(allJuspayFields(), line: 1).isEmpty)
    }

    @Test func jsonlNumbersAndTypes() {
        let ok = InputRecord(
            line: 3, columns: ["order_id", "routing_id", "amount"],
            values: [.json(.string("O1")), .json(.string("c")), .json(.number(JSONNumber(literal: "12.5")!))])
        #expect(issues(ok).isEmpty)
        let bad = InputRecord(
            line: 3, columns: ["order_id", "routing_id", "amount"],
            values: [.json(.number(JSONNumber(7))), .json(.string("c")), .json(.number(JSONNumber(literal: "1e400")!))])
        #expect(Set(issues(bad).map { $0.column ?? "" }) == ["order_id", "amount"])
    }
}

/// Every column Juspay accepts, spelled out independently of the validator.
private func allJuspayFields() -> [String] {
    let suffixes = [
        "first_name", "last_name", "line1", "line2", "line3", "city", "state", "country", "postal_code", "phone",
        "country_code_iso",
    ]
    return ["order_id", "routing_id", "amount"] + suffixes.map { "billing_address_" + $0 }
        + suffixes.map { "shipping_address_" + $0 }
        + (1...10).map { "udf\($0)" }
}
