import Foundation
import OrderBatchCore
import Testing

/// Line numbers under every line ending: LF, CRLF and a lone CR (old Mac exports) each end one line, also
/// when a chunk boundary falls between a CR and its LF or right after a lone CR.
@Suite struct CSVLineEndingTests {
    /// `LINE: a|b` per record, `!LINE column: message` per malformed record, for every chunk size given.
    private func transcripts(_ text: String, chunkSizes: [Int]) throws -> [Int: [String]] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-eol-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var out: [Int: [String]] = [:]
        for size in chunkSizes {
            var lines: [String] = []
            try CSVReader(path: url.path, chunkSize: size).forEachRecord { result in
                switch result {
                case let .record(record):
                    let cells = record.values.map { cell -> String in
                        guard case let .text(text) = cell else { return "<json>" }
                        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(
                            of: "\n", with: "\\n")
                    }
                    lines.append("\(record.line): " + cells.joined(separator: "|"))
                case let .malformed(issue):
                    lines.append("!\(issue.line)\(issue.column.map { " " + $0 } ?? "")")
                }
            }
            out[size] = lines
        }
        return out
    }

    /// Every chunk size from 1 to 24, and the default, give `expected`.
    private func expectLines(
        _ text: String, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let sizes = Array(1...24) + [CSVReader.defaultChunkSize]
        for (size, lines) in try transcripts(text, chunkSizes: sizes).sorted(by: { $0.key < $1.key }) {
            #expect(lines == expected, "chunk size \(size)", sourceLocation: sourceLocation)
        }
    }

    @Test func aLoneCarriageReturnEndsALine() throws {
        try expectLines("id,name\r1,a\r2,b\r3,c\r", ["2: 1|a", "3: 2|b", "4: 3|c"])
        try expectLines("id,name\r1,a\r2,b", ["2: 1|a", "3: 2|b"])
    }

    @Test func mixedLineEndingsCountOneLineEach() throws {
        try expectLines("id,name\r\n1,a\r2,b\n3,c\r\n\r4,d\n", ["2: 1|a", "3: 2|b", "4: 3|c", "6: 4|d"])
    }

    @Test func aLoneCarriageReturnInsideAQuotedFieldIsALineOfTheRecord() throws {
        try expectLines("id,name\r1,\"a\rb\"\r2,c\r", [#"2: 1|a\rb"#, "4: 2|c"])
        try expectLines("id,name\n1,\"a\r\nb\"\n2,c\n", [#"2: 1|a\r\nb"#, "4: 2|c"])
    }

    @Test func aStrayQuoteIsReportedOnItsLineAndReadingGoesOnAfterALoneCarriageReturn() throws {
        try expectLines("id,name\r1,a\"b\r2,c\r", ["!2 name", "3: 2|c"])
    }
}
