import Foundation
import Testing

@testable import OrderBatchCore

/// ``CSVReader/forEachRecord(lendingTo:_:)`` lends some rows as bytes (``CSVRowTaker``) and
/// delivers the rest as records. These tests read the same files with a taker and without one,
/// and require the rows lent plus the results delivered to be exactly the results of a read
/// without a taker: the same cells, line numbers, malformed records and fatal errors.
@Suite struct CSVLentRowTests {
    /// Takes the rows on the lines `takes` accepts, and writes each as a record line would read.
    private final class Recorder: CSVRowTaker {
        var columns: [String] = []
        var lines: [String] = []
        var offered = 0
        let takes: (Int) -> Bool
        init(takes: @escaping (Int) -> Bool) { self.takes = takes }

        func lendsRows(under columns: [String]) -> Bool {
            self.columns = columns
            return true
        }

        func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool {
            offered += 1
            guard takes(line) else { return false }
            let cells = fields.map { "[\(String(decoding: $0, as: UTF8.self))]" }
            lines.append("\(line): \(columns.joined(separator: ",")) = \(cells.joined())")
            return true
        }
    }

    private func tempFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lent-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The results of reading `path` as lines of text, in line order, then the fatal error if any.
    private func transcript(_ source: any RecordSource, taker: Recorder?) -> [String] {
        var out: [String] = []
        do {
            try source.forEachRecord(lendingTo: taker) { result in
                switch result {
                case let .record(record):
                    let cells = record.values.map { cell -> String in
                        guard case let .text(text) = cell else { return "<json>" }
                        return "[\(text)]"
                    }
                    out.append("\(record.line): \(record.columns.joined(separator: ",")) = \(cells.joined())")
                case let .malformed(issue):
                    out.append("\(issue.line): ! \(issue)")
                }
            }
        } catch {
            out.append("fatal: \(error)")
        }
        let merged = out + (taker?.lines ?? [])
        // Lines are unique per result, so sorting by line number restores file order.
        return merged.sorted { lineNumber($0) < lineNumber($1) }
    }

    private func lineNumber(_ text: String) -> Int {
        text.hasPrefix("fatal") ? Int.max : Int(text.prefix { $0 != ":" }) ?? Int.max
    }

    /// Requires a read lending every row, every odd line's row, and none to equal a plain read;
    /// returns how many rows were offered when every row is taken (default limits).
    @discardableResult
    private func expectSameLent(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let path = try tempFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var offeredAll = 0
        for (maxFieldBytes, chunkSize) in [
            (CSVReader.defaultMaxFieldBytes, CSVReader.defaultChunkSize), (8, 16), (5, 37),
        ] {
            let reader = CSVReader(path: path, maxFieldBytes: maxFieldBytes, chunkSize: chunkSize)
            let plain = transcript(reader, taker: nil)
            for takes in [{ (_: Int) in true }, { $0 % 2 == 1 }, { _ in false }] {
                let recorder = Recorder(takes: takes)
                #expect(
                    transcript(reader, taker: recorder) == plain,
                    "max \(maxFieldBytes), chunk \(chunkSize): \(text.debugDescription)", sourceLocation: sourceLocation
                )
                if chunkSize == CSVReader.defaultChunkSize, takes(2), takes(4) { offeredAll = recorder.offered }
            }
        }
        return offeredAll
    }

    @Test func plainASCIIRowsAreLentAndReadTheSame() throws {
        let offered = try expectSameLent("order_id,routing_id,amount\nA1,c,1\nA2,c,2.5\nA3,c,3\n")
        #expect(offered == 3)
    }

    @Test func rowsThatAreNotPlainASCIIAreDeliveredAsRecords() throws {
        // Quoted cells with commas, quotes and line breaks; unicode; NUL; invalid UTF-8; a BOM.
        let offered = try expectSameLent(
            "\u{FEFF}a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\nÄ1,é,3\nA\u{0},b,c\nok,1,2\n")
        #expect(offered == 1)  // only `ok,1,2`
        try expectSameLent("a,b,c\n" + String(decoding: [0x41, 0xFF, 0x2C, 0x62, 0x2C, 0x63, 0x0A], as: UTF8.self))
    }

    @Test func lineEndsBlankLinesAndFieldCountsReadTheSame() throws {
        try expectSameLent("a,b,c\r\n1,2,3\r\n\r\n   \r\n\t\n1,2\r\n1,2,3,4\r\n,,\r\n4,5,6")
        try expectSameLent("a,b,c\r1,2,3\r4,5,6\r")  // lone carriage returns
        try expectSameLent("a\n \n1\n\n2\n")  // one column: a blank line is skipped, not lent
        try expectSameLent("a,b\n1,2\n1,\"2\n")  // an unterminated quote at the end: fatal
        try expectSameLent("a,b\n1,2\n1,x\"y\n3,4\n")  // a stray quote, then reading goes on
        try expectSameLent("a,b\n123456789,1\n1,123456\n")  // cells over the small field caps
    }

    @Test func headersThatFailOrComeLateReadTheSame() throws {
        try expectSameLent("\n\n\"a\",\"b\"\n1,2\n")  // blank lines, then a quoted header
        try expectSameLent("a,a\n1,2\n")  // a bad header: fatal before any row
        try expectSameLent("a,b\n")  // a header and nothing else
        try expectSameLent("a;b;c\n1;2;3\n")  // one column with a delimiter hint
    }

    @Test func aReportIsNotLentBecauseItsCellsAreRestored() throws {
        let path = try tempFile(Array("order_id,amount,ob_state\n'-x,1,failed\nA,2,failed\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = Recorder(takes: { _ in true })
        let source = InputFormat.csv.makeSource(path: path)
        #expect(transcript(source, taker: recorder) == transcript(source, taker: nil))
        #expect(recorder.offered == 0)
        let plain = try tempFile(Array("order_id,amount\nA,1\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let lent = Recorder(takes: { _ in true })
        _ = transcript(InputFormat.csv.makeSource(path: plain), taker: lent)
        #expect(lent.offered == 1)
    }
}
