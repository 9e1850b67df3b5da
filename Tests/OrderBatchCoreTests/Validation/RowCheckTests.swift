import Foundation
import Testing

@testable import OrderBatchCore

/// ``RowValidator/check(_:)`` (what `validate` uses, building nothing) against
/// ``RowValidator/validate(_:)`` (what ingest uses): the same verdicts, issues and duplicate keys.
@Suite struct RowCheckTests {
    /// Cells that pass and cells that break each Juspay rule, for every column.
    private static let orderIDs = [
        "A1", "ord0000000001", "ORD0000000001", "", " A1", "A-1", "Ä1", String(repeating: "X", count: 21),
    ]
    private static let routingIDs = ["cust1", "", " c", "c\u{1}", "é", String(repeating: "r", count: 129)]
    private static let amounts = ["90", "90.50", "0", "0.00", "1.234", "-1", "1e2", ".5", "1234567890123456", "abc"]

    private func fingerprint(_ verdict: RowVerdict) -> RowCheck {
        switch verdict {
        case .valid(let row): .valid(duplicateKeyFingerprint: OrderFingerprint.of(row.duplicateKey))
        case .invalid(let issues): .invalid(issues)
        }
    }

    private func same(_ a: RowCheck, _ b: RowCheck) -> Bool {
        switch (a, b) {
        case (.valid(let x), .valid(let y)): x == y
        case (.invalid(let x), .invalid(let y)): x == y
        default: false
        }
    }

    @Test func juspayCheckGivesValidatesVerdictForEveryCombination() {
        let columns = ["order_id", "routing_id", "amount", "udf1", "billing_address_country_code_iso"]
        let extras: [(String, String)] = [("", ""), ("plain", "IND"), ("a/b", "in"), ("x", "")]
        let plain = JuspayValidator()
        let specialized = plain.specialized(forColumns: columns)
        var line = 1
        for o in Self.orderIDs {
            for r in Self.routingIDs {
                for a in Self.amounts {
                    for (udf, country) in extras {
                        line += 1
                        let record = InputRecord(
                            line: line, columns: columns, values: [o, r, a, udf, country].map { .text($0) })
                        for v in [plain, specialized] as [any RowValidator] {
                            #expect(same(v.check(record), fingerprint(v.validate(record))), "\(o) \(r) \(a) \(udf)")
                        }
                    }
                }
            }
        }
    }

    @Test func fingerprintWhileLoweringEqualsFingerprintOfLoweredText() {
        for text in ["", "A", "ORD0000000001", "MiXeD123", "@[`{", "ÄÖü", "Ωmega", String(repeating: "Zz", count: 40)] {
            #expect(OrderFingerprint.of(asciiLowercasing: text) == OrderFingerprint.of(CellText.asciiLowercased(text)))
        }
    }

    /// `validate` (no `onRecord`) and ingest (an `onRecord`) take different paths through
    /// ``FileValidation``; on a file with valid, invalid, duplicate and malformed rows they agree.
    @Test func fileReportIsTheSameWithAndWithoutOnRecord() throws {
        var text = "order_id,routing_id,amount,udf1\n"
        for i in 0..<3000 {
            switch i % 7 {
            case 0: text += "O\(i),c,1,\n"
            case 1: text += "o\(i - 1),c,2.5,x\n"  // a duplicate of the row before, in another case
            case 2: text += "O\(i),c\n"  // too few fields
            case 3: text += "O\(i),c,1.00,a/b\n"
            case 4: text += "O\(i),c,0,\n"
            default: text += "\(i % 3 == 0 ? "P\(i % 50)" : "Q\(i)"),c,\(i).25,\"q r\"\n"  // quoted; P ids repeat
            }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rc-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let validation = FileValidation(validator: JuspayValidator(), columnsPerRecord: false, maxKeptIssues: 5000)
        let checked = try validation.run(source: InputFormat.csv.makeSource(path: url.path), sourcePath: url.path)
        var seen = 0
        let validated = try validation.run(source: InputFormat.csv.makeSource(path: url.path), sourcePath: url.path) {
            _ in seen += 1
        }
        #expect(seen == 3000)
        #expect(checked.rows == validated.rows && checked.valid == validated.valid)
        #expect(checked.invalid == validated.invalid && checked.issueCount == validated.issueCount)
        #expect(checked.issues == validated.issues)
        #expect(checked.duplicates.map(\.seq) == validated.duplicates.map(\.seq))
        #expect(!checked.duplicates.isEmpty && checked.valid > 0 && checked.invalid > 0)
    }
}
