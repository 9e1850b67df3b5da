import Foundation
import OrderBatchCore
import Testing

@Suite struct FileValidationTests {
    private func temp(_ text: String, ext: String = "csv") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fv-\(UUID().uuidString).\(ext)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func validate(_ path: String, provider: ProviderKind = .juspay, max: Int = 1000) throws -> ValidationReport
    {
        let format = try #require(InputFormat.fromExtension(path: path))
        return try FileValidation(
            validator: provider.makeValidator(), columnsPerRecord: format == .jsonl, maxKeptIssues: max
        )
        .run(source: format.makeSource(path: path), sourcePath: path)
    }

    @Test func duplicatesNameEveryLineAndIgnoreCaseForJuspay() throws {
        let path = try temp("order_id,routing_id,amount\nA1,c,1\nB2,c,2\na1,c,3\nC3,c,4\n")
        let r = try validate(path)
        #expect(r.rows == 4 && r.valid == 2 && r.invalid == 2)
        #expect(r.duplicates.map(\.seq) == [1, 3])
        #expect(r.issues.map(\.line) == [2, 4])
        #expect(r.issues[0].message.contains("lines 2, 4"))
    }

    @Test func rapydIdsAreCaseSensitive() throws {
        let path = try temp(
            #"{"order_id":"order_a1","status":"paid"}"# + "\n" + #"{"order_id":"order_A1","status":"paid"}"# + "\n",
            ext: "jsonl")
        #expect(try validate(path, provider: .rapyd).isClean)
    }

    @Test func manyRowsWithoutDuplicatesStayClean() throws {
        var text = "order_id,routing_id,amount\n"
        for i in 0..<50_000 { text += "O\(i),c,1.00\n" }
        let r = try validate(try temp(text))
        #expect(r.rows == 50_000 && r.valid == 50_000 && r.duplicates.isEmpty)
    }

    @Test func unknownCSVColumnIsReportedOnceAndRefusesTheFile() throws {
        let r = try validate(try temp("order_id,routing_id,amount,currency\nA1,c,1,INR\nB1,c,2,INR\n"))
        #expect(r.columnIssueCount == 1)
        #expect(r.issues.count == 1 && r.issues[0].line == 1 && r.issues[0].column == "currency")
        #expect(!r.isClean && r.valid == 0)
    }

    @Test func jsonlColumnsAreCheckedPerLine() throws {
        let text =
            #"{"order_id":"order_a1","status":"paid"}"# + "\n"
            + #"{"order_id":"order_a2","colour":"red","status":"paid"}"# + "\n\n"
            + #"{"order_id":"order_a3","metadata":{"k":[1,2]}}"# + "\n" + "{not json}\n"
        let r = try validate(try temp(text, ext: "jsonl"), provider: .rapyd)
        #expect(r.rows == 4 && r.valid == 2 && r.invalid == 2)
        #expect(r.issues.map(\.line) == [2, 5])
        #expect(r.issues[0].column == "colour")
    }

    @Test func issuesAreCappedButCounted() throws {
        var text = "order_id,routing_id,amount\n"
        for i in 0..<500 { text += "O\(i),c,-1\n" }
        let r = try validate(try temp(text), max: 10)
        #expect(r.issues.count == 10 && r.issueCount == 500 && r.invalid == 500)
        #expect(r.issues.first?.line == 2)
    }

    @Test func hostileInputGivesClearErrorsNotCrashes() throws {
        // A 10 MB field, a NUL byte, invalid UTF-8, a truncated quoted field.
        let big = try temp(
            "order_id,routing_id,amount\nA1,c," + String(repeating: "9", count: 10_000_000) + "\nB1,c,1\n")
        let r1 = try validate(big)
        #expect(r1.invalid == 1 && r1.valid == 1)
        let nulURL = FileManager.default.temporaryDirectory.appendingPathComponent("fv-\(UUID().uuidString).csv")
        try Data(Array("order_id,routing_id,amount\nA\u{0}1,c,1\nB1,c,\u{FF}".utf8) + [0xFF, 0x0A]).write(to: nulURL)
        let r2 = try validate(nulURL.path)
        #expect(r2.invalid == 2 && r2.issues.allSatisfy { $0.line >= 2 })
        let truncated = try temp("order_id,routing_id,amount\nA1,c,1\nB1,\"c")
        #expect(throws: InputError.self) { try validate(truncated) }
    }
}
