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

    // MARK: - The byte path (check(lent:), issue #12)

    /// Each rule's boundary, passing and failing, with ASCII and non-ASCII cells.
    private static let lentOrderIDs = [
        "A1", "ord0000000001", String(repeating: "X", count: 20), String(repeating: "X", count: 21), "", " A1", "A1 ",
        "A-1", "A.1", "Ä1", "a\tb",
    ]
    private static let lentRoutingIDs = [
        "cust1", "~ !", String(repeating: "r", count: 128), String(repeating: "r", count: 129), "", " c", "c ",
        "c\u{1}", "c\u{7F}", "é", "\tc",
    ]
    private static let lentAmounts = [
        "90", "90.50", "90.500", "0.01", "100.15", "999999999999999.99", "0", "0.00", "1.234", "-1", "+1", "1e2",
        ".5", "5.", "1..2", "1,5", "1234567890123456", "abc", " 1", "١",
    ]
    /// udf1 (letters, digits, space - _ .), udf6 (anything printable), a country code, a phone.
    private static let lentFields: [(String, String, String, String)] = [
        ("", "", "", ""), ("a b-c_d.e", "a/b \"q\"", "IND", "+91 (80) 1234-5678"), ("a/b", "", "", ""),
        ("", String(repeating: "u", count: 255), "", ""), ("", String(repeating: "u", count: 256), "", ""),
        ("", "ü", "", ""), ("", "\u{85}", "", ""), ("", "\u{2028}", "", ""), ("", "¢", "", ""),
        ("", "", "IN", ""), ("", "", "INDI", ""), ("", "", "ind", ""), ("", "", "", String(repeating: "1", count: 32)),
        ("", "", "", String(repeating: "1", count: 33)), ("", "", "", "12#3"), ("", "a\tb", "", ""),
    ]

    /// `check(lent:)` over the UTF-8 bytes of `cells`.
    private func checkLent(_ validator: any RowValidator, _ cells: [String]) -> UInt64? {
        let bytes = cells.map { Array($0.utf8) }
        let buffers = bytes.map { b -> UnsafeMutableRawBufferPointer in
            let p = UnsafeMutableRawBufferPointer.allocate(byteCount: b.count, alignment: 1)
            p.copyBytes(from: b)
            return p
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        return buffers.map { UnsafeRawBufferPointer($0) }.withUnsafeBufferPointer { validator.check(lent: $0) }
    }

    /// The byte path passes exactly the rows ``RowValidator/check(_:)`` passes, with the same
    /// fingerprint; it may leave a valid row to `check` only when a cell is not ASCII (the reader
    /// lends no such row). A validator not specialised for a header lends nothing.
    @Test func juspayLentCheckAgreesWithCheckAtEveryRuleBoundary() {
        let columns = [
            "order_id", "routing_id", "amount", "udf1", "udf6", "billing_address_country_code_iso",
            "shipping_address_phone", "ob_state",
        ]
        let plain = JuspayValidator()
        let specialized = plain.specialized(forColumns: columns)
        var line = 1
        var lentValid = 0
        func expectAgree(_ cells: [String]) {
            line += 1
            let record = InputRecord(line: line, columns: columns, values: cells.map { .text($0) })
            let lent = checkLent(specialized, cells)
            let check = specialized.check(record)
            let ascii = cells.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 && $0 != 0 } }
            switch check {
            case .valid(let fingerprint):
                #expect(lent == fingerprint || (lent == nil && !ascii), "\(cells)")
                if lent != nil { lentValid += 1 }
            case .invalid:
                #expect(lent == nil, "\(cells)")
            }
            #expect(checkLent(plain, cells) == nil)
        }
        for o in Self.lentOrderIDs {
            for r in Self.lentRoutingIDs {
                for a in Self.lentAmounts { expectAgree([o, r, a, "", "", "", "", ""]) }
            }
        }
        for (udf1, udf6, country, phone) in Self.lentFields {
            for a in ["90", "0", ""] { expectAgree(["A1", "c", a, udf1, udf6, country, phone, "ignored ü\u{1}"]) }
        }
        #expect(lentValid > 50)
    }

    /// A CSV file that mixes every kind of row: the report with rows lent as bytes equals the
    /// report with every row read as a record, and the report of an ingest-style run.
    @Test func fileReportIsTheSameWithAndWithoutLentRows() throws {
        var text = "\u{FEFF}order_id,routing_id,amount,udf1,udf6\r\n"
        for i in 0..<2100 {
            switch i % 21 {
            case 0: text += "O\(i),c,1,,\r\n"
            case 1: text += "o\(i - 1),c,2.5,x,\r\n"  // a duplicate of the row before, lent both
            case 2: text += "\"O\(i - 2)\",c,2.5,x,\r\n"  // a duplicate again, quoted: read as a record
            case 3: text += "O\(i),c\r\n"  // too few fields
            case 4: text += "O\(i),c,1.00,a/b,\r\n"
            case 5: text += "O\(i),c,0,,\r\n"
            case 6: text += "O\(i),,1,,\r\n"  // an empty required cell
            case 7: text += "O\(i),c,1,,\"say \"\"hi\"\", then\nnew line\"\r\n"  // quotes, comma, line feed
            case 8: text += "\r\n \t\r\n"  // blank lines
            case 9: text += "Ü\(i),c,1,,\r\n"  // unicode in the id
            case 10: text += "O\(i),c,1,,naïve\r\n"  // valid unicode
            case 11: text += "O\(i),c,1,,\u{85}x\r\n"  // a C1 control
            case 12: text += "O\(i),c,1,,,\r\n"  // too many fields
            case 13: text += "O\(i),c ,1,,\r\n"
            case 14: text += "O\(i),c,1.234,,\r\n"
            case 15: text += "\(String(repeating: "Z", count: 21)),c,1,,\r\n"
            case 16: text += "O\(i),c,1,\(String(repeating: "u", count: 256)),\r\n"
            default: text += "\(i % 3 == 0 ? "P\(i % 50)" : "Q\(i)"),c,\(i).25,\"q r\",\r\n"  // P ids repeat
            }
        }
        text += "A\u{0}B,c,1,,\r\nlast,c,1,,"  // a NUL byte; the last line has no line break
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rcl-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var records = FileValidation(validator: JuspayValidator(), columnsPerRecord: false, maxKeptIssues: 5000)
        records.lendsRows = false
        let lent = FileValidation(validator: JuspayValidator(), columnsPerRecord: false, maxKeptIssues: 5000)
        let source = InputFormat.csv.makeSource(path: url.path)
        let byBytes = try lent.run(source: source, sourcePath: url.path)
        let byRecords = try records.run(source: source, sourcePath: url.path)
        let ingested = try lent.run(source: source, sourcePath: url.path) { _ in }
        for other in [byRecords, ingested] {
            #expect(byBytes.rows == other.rows && byBytes.valid == other.valid && byBytes.invalid == other.invalid)
            #expect(byBytes.issueCount == other.issueCount && byBytes.columnIssueCount == other.columnIssueCount)
            #expect(byBytes.issues == other.issues)
            #expect(byBytes.duplicates == other.duplicates)
        }
        #expect(byBytes.duplicates.count > 3 && byBytes.valid > 300 && byBytes.invalid > 500, "\(byBytes.valid)")
        // Duplicates found between a lent row and a record row.
        #expect(byBytes.issues.contains { $0.message.contains("order O21 appears more than once") })

        // A bad header: every row invalid either way, the header's issue once.
        let badHeader = FileManager.default.temporaryDirectory.appendingPathComponent("rcl-\(UUID().uuidString).csv")
        try Data("order_id,amount,colour\nA1,1,red\nA2,2,blue\n".utf8).write(to: badHeader)
        defer { try? FileManager.default.removeItem(at: badHeader) }
        let badSource = InputFormat.csv.makeSource(path: badHeader.path)
        let badLent = try lent.run(source: badSource, sourcePath: badHeader.path)
        let badRecords = try records.run(source: badSource, sourcePath: badHeader.path)
        #expect(badLent.issues == badRecords.issues && badLent.invalid == 2 && badLent.valid == 0)
    }
}
