import Foundation
import Testing

@testable import OrderBatchCore

/// ``CSVReader`` splits lines with no quote itself (``CSVPlainLine``) and feeds the others to
/// libcsv. These tests read the same files both ways and require identical results: records,
/// line numbers, malformed-record messages and fatal errors.
@Suite struct CSVPlainLineTests {
    /// Writes `bytes` to a fresh temporary file and returns its path.
    private func tempFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plainline-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Every result of reading `path` as one line of text, then the fatal error if any.
    private func transcript(_ path: String, splitting: Bool, maxFieldBytes: Int, chunkSize: Int) -> [String] {
        var reader = CSVReader(path: path, maxFieldBytes: maxFieldBytes, chunkSize: chunkSize)
        reader.splitsPlainLines = splitting
        var out: [String] = []
        do {
            try reader.forEachRecord { result in
                switch result {
                case let .record(record):
                    let cells = record.values.map { cell -> String in
                        guard case let .text(text) = cell else { return "<json>" }
                        return "[\(text)]"
                    }
                    out.append("\(record.line): \(record.columns.joined(separator: ",")) = \(cells.joined())")
                case let .malformed(issue):
                    out.append("! \(issue)")
                }
            }
        } catch {
            out.append("fatal: \(error)")
        }
        return out
    }

    /// Requires both ways of reading `bytes` to agree, for several chunk sizes and field caps.
    private func expectSameBothWays(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try tempFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (maxFieldBytes, chunkSize) in [
            (CSVReader.defaultMaxFieldBytes, CSVReader.defaultChunkSize), (8, 16), (5, 37),
        ] {
            let direct = transcript(path, splitting: true, maxFieldBytes: maxFieldBytes, chunkSize: chunkSize)
            let libcsv = transcript(path, splitting: false, maxFieldBytes: maxFieldBytes, chunkSize: chunkSize)
            #expect(
                direct == libcsv,
                "max \(maxFieldBytes), chunk \(chunkSize): \(String(decoding: bytes, as: UTF8.self).debugDescription)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func contentDropsTheLineBreakAndRefusesQuotesAndCarriageReturns() {
        func content(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBytes { line in
                CSVPlainLine.content(of: line).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        #expect(content("a,b\n") == "a,b")
        #expect(content("a,b\r\n") == "a,b")
        #expect(content("\r\n") == "")
        #expect(content("\n") == "")
        #expect(content("a,\"b\"\n") == nil)
        #expect(content("a\rb\n") == nil)
        #expect(content("a,b") == nil)
    }

    @Test func handPickedLinesReadTheSameBothWays() throws {
        let cases = [
            "id,name\n1,a\n2,b\n",
            "id,name\r\n1,a\r\n2,b\r\n",
            "id,name\n1, a \n2,\t b\t\n",
            "id,name\n\n   \n\t\n1,a\n\r\n2,b",
            "id,name\n1,\n,2\n,\n,,\n",
            "id,name\n1,a\rb\n2,c\r\r\n",
            "id,name\n1,\"a\nb\"\n2,plain\n3,\"x\"\"y\"\n",
            "id,name\n1,a\"b\n2,c\n",
            "id,name\n1,\"a\"b\n2,c\n",
            "id,name\n1,\"a\"b,\"c\n2,d\n",
            "id,name\n1,abcdefghijklmnop\n2,b\n",
            "\u{FEFF}id,name\n1,a\n",
            "id,,name\n1,2,3\n",
            "id,id\n1,2\n",
            "id,name\n1,\"open\n2,b\n",
            "a b,c\td\n1,2\n",
            ",\n1,2\n",
        ]
        for text in cases { try expectSameBothWays(Array(text.utf8)) }
        try expectSameBothWays(
            Array("id,name\n1,".utf8) + [0x00] + Array("x\n2,".utf8) + [0xFF, 0x0A, 0x33, 0x2C, 0x62, 0x0A])
        let long = String(repeating: "z", count: 70_000)
        try expectSameBothWays(Array("id,name\n1,\(long)\n2,b\n3,\(long) \n".utf8))
    }

    @Test func randomFilesReadTheSameBothWays() throws {
        // Bytes that matter to CSV, weighted towards plain text.
        let alphabet: [UInt8] = Array("aaaabbbc1,,, \t\"\r\n\n".utf8) + [0x00, 0xC3, 0xA9, 0xFF]
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for _ in 0..<300 {
            var bytes = Array("id,name,amount\n".utf8)
            for _ in 0..<Int(next() % 120) {
                // Mostly well-formed rows, with a random byte now and then.
                if next() % 4 == 0 {
                    bytes.append(alphabet[Int(next() % UInt64(alphabet.count))])
                } else {
                    bytes += Array("r\(next() % 100),x\(next() % 7),\(next() % 1000)\n".utf8)
                }
            }
            try expectSameBothWays(bytes)
        }
    }
}
