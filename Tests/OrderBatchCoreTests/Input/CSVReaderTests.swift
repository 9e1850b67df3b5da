import Foundation
import OrderBatchCore
import Testing

@Suite struct CSVReaderTests {
    // MARK: - Helpers

    /// Writes `bytes` to a fresh temporary file and returns its path.
    private func tempFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csvreader-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return url.path
    }

    private func tempFile(_ text: String) throws -> String { try tempFile(Array(text.utf8)) }

    /// Reads `path` into one line of text per result: `2: a|b` for a record on line 2,
    /// `!7 amount: message` for a malformed record on line 7 in column `amount`.
    private func summary(
        _ path: String, maxFieldBytes: Int = CSVReader.defaultMaxFieldBytes, chunkSize: Int = CSVReader.defaultChunkSize
    ) throws -> [String] {
        var out: [String] = []
        try CSVReader(path: path, maxFieldBytes: maxFieldBytes, chunkSize: chunkSize).forEachRecord { result in
            switch result {
            case let .record(record):
                let cells = record.values.map { cell -> String in
                    guard case let .text(text) = cell else { return "<json>" }
                    return text
                }
                out.append("\(record.line): " + cells.joined(separator: "|"))
            case let .malformed(issue):
                out.append("!\(issue.line)\(issue.column.map { " " + $0 } ?? ""): \(issue.message)")
            }
        }
        return out
    }

    private func records(_ path: String) throws -> [InputRecord] {
        var out: [InputRecord] = []
        try CSVReader(path: path).forEachRecord { result in
            if case let .record(record) = result { out.append(record) }
        }
        return out
    }

    /// The `InputError` reading `path` throws, recording a failure when it throws none.
    private func inputError(_ path: String, maxFieldBytes: Int = CSVReader.defaultMaxFieldBytes) -> InputError? {
        do {
            try CSVReader(path: path, maxFieldBytes: maxFieldBytes).forEachRecord { _ in }
            Issue.record("expected an InputError")
        } catch let error as InputError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    // MARK: - Well-formed files

    @Test func readsHeaderAndRecordsWithQuoting() throws {
        let path = try tempFile("order_id,name,amount\nORD1,\"Smith, J\",10.50\nORD2,\"\",7\n")
        let all = try records(path)
        #expect(all.count == 2)
        #expect(all[0].columns == ["order_id", "name", "amount"])
        #expect(all[0].line == 2)
        #expect(all[0].value("name") == .text("Smith, J"))
        #expect(all[0].value("amount") == .text("10.50"))
        #expect(all[1].value("name") == .text(""))
    }

    @Test func embeddedNewlinesKeepPhysicalLineNumbers() throws {
        let path = try tempFile("id,note\n1,\"first\nsecond\nthird\"\n2,plain\n3,\"x\ny\"\n4,end\n")
        #expect(try summary(path) == ["2: 1|first\nsecond\nthird", "5: 2|plain", "6: 3|x\ny", "8: 4|end"])
    }

    @Test func embeddedQuotesAreUndoubled() throws {
        let path = try tempFile("id,note\n1,\"he said \"\"hi\"\"\"\n2,\"\"\"\"\n")
        #expect(try summary(path) == ["2: 1|he said \"hi\"", "3: 2|\""])
    }

    @Test func crlfLineEndings() throws {
        let path = try tempFile("id,note\r\n1,a\r\n2,\"x\r\ny\"\r\n3,b\r\n")
        #expect(try summary(path) == ["2: 1|a", "3: 2|x\r\ny", "5: 3|b"])
    }

    @Test func byteOrderMarkIsStripped() throws {
        let path = try tempFile([0xEF, 0xBB, 0xBF] + Array("order_id,amount\nORD1,5\n".utf8))
        let all = try records(path)
        #expect(all.first?.columns == ["order_id", "amount"])
        #expect(all.first?.value("order_id") == .text("ORD1"))
    }

    @Test func missingAndPresentTrailingNewline() throws {
        #expect(try summary(tempFile("a,b\n1,2")) == ["2: 1|2"])
        #expect(try summary(tempFile("a,b\n1,2\n")) == ["2: 1|2"])
        #expect(try summary(tempFile("a,b\n1,")) == ["2: 1|"])
        #expect(try summary(tempFile("a,b\n1,\"q\"")) == ["2: 1|q"])
    }

    @Test func blankLinesAreSkipped() throws {
        let path = try tempFile("\n\na,b\n\n1,2\n \t \n\r\n3,4\n\n")
        #expect(try summary(path) == ["5: 1|2", "8: 3|4"])
    }

    @Test func spacesArePartOfFields() throws {
        #expect(try summary(tempFile("a,b\n x , y \n")) == ["2:  x | y "])
    }

    @Test func validNonASCIIIsKept() throws {
        #expect(try summary(tempFile("a,b\ncafé,€\n")) == ["2: café|€"])
    }

    @Test func headerOnlyYieldsNothing() throws {
        #expect(try summary(tempFile("order_id,amount\n")).isEmpty)
        #expect(try summary(tempFile("order_id,amount")).isEmpty)
    }

    @Test func resultsDoNotDependOnChunkSize() throws {
        var text = "id,note,amount\n"
        for i in 0..<200 {
            text += i % 7 == 0 ? "\(i),\"multi\r\nline \"\"\(i)\"\"\",\(i).5\r\n" : "\(i),plain \(i),\(i)\n"
            if i % 13 == 0 { text += "\n" }
            if i % 17 == 0 { text += "\(i),too,many,fields\n" }
        }
        let path = try tempFile(text)
        let reference = try summary(path)
        #expect(reference.count == 200 + 12)
        for chunkSize in [16, 17, 100, 4096] {
            #expect(try summary(path, chunkSize: chunkSize) == reference)
        }
    }

    // MARK: - Record-level problems

    @Test func wrongColumnCountIsMalformedAndReadingGoesOn() throws {
        let path = try tempFile("a,b,c\n1,2\n3,4,5\n6,7,8,9\n10,11,12\n")
        #expect(
            try summary(path) == [
                "!2: expected 3 fields as in the header, found 2", "3: 3|4|5",
                "!4: expected 3 fields as in the header, found 4", "5: 10|11|12",
            ])
    }

    @Test func strayQuoteIsMalformedWithItsLine() throws {
        let path = try tempFile("id,name,amount\n1,ok,1\n2,5\" screen,2\n3,\"x\"y,3\n4,fine,4\n")
        let out = try summary(path)
        #expect(out.count == 4)
        #expect(out[0] == "2: 1|ok|1")
        #expect(out[1].hasPrefix("!3 name: a quote (\") inside an unquoted field; quote the whole field"))
        #expect(out[2].hasPrefix("!4 name: unexpected 'y' after the closing quote of a quoted field"))
        #expect(out[3] == "5: 4|fine|4")
    }

    @Test func strayQuoteAfterMultilineFieldNamesBothLines() throws {
        let path = try tempFile("id,note,x\n1,\"a\nb\",c\"d\n2,e,f\n")
        #expect(try summary(path).first?.hasPrefix("!2 x: a quote (\") inside an unquoted field on line 3") == true)
        #expect(try summary(path).last == "4: 2|e|f")
    }

    @Test func strayQuoteFollowedByMoreQuotesIsFatal() throws {
        let path = try tempFile("id,name\n1,ok\n2,5\" screen \"x\"\n3,z\n")
        let error = inputError(path)
        #expect(error?.kind == .malformedQuoting)
        #expect(error?.line == 3)
        #expect(
            error?.description.hasPrefix("\(path):3: column \"name\": a quote (\") inside an unquoted field") == true)
    }

    @Test func invalidUTF8IsMalformedWithLineAndColumn() throws {
        let path = try tempFile(Array("id,name\n1,ok\n2,".utf8) + [0x41, 0xFF, 0x42] + Array("\n3,é\n".utf8))
        #expect(
            try summary(path) == [
                "2: 1|ok", "!3 name: field is not valid UTF-8 (byte 0xFF at byte offset 1); save the file as UTF-8",
                "4: 3|é",
            ])
    }

    @Test func nulByteIsMalformedWithLineAndColumn() throws {
        let path = try tempFile(Array("id,name\n1,a".utf8) + [0x00] + Array("b\n2,c\n".utf8))
        #expect(
            try summary(path) == [
                "!2 name: field contains a NUL byte; the file may be binary or UTF-16 encoded", "3: 2|c",
            ])
    }

    @Test func tenMegabyteFieldIsMalformedNotFatal() throws {
        var bytes = Array("id,blob,z\n1,".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
        bytes += Array(",z\n2,\"".utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: 10 << 20)
        bytes += Array("\n\",z\n3,small,z\n".utf8)
        let out = try summary(tempFile(bytes))
        #expect(
            out == [
                "!2 blob: field is longer than the limit of 1048576 bytes",
                "!3 blob: field is longer than the limit of 1048576 bytes",
                "5: 3|small|z",
            ])
    }

    @Test func fieldCapIsExactAndHoldsAcrossPiecesAndChunks() throws {
        var text = "id,v\n1,\"\(String(repeating: "a", count: 100))\"\n2,\(String(repeating: "b", count: 101))\n"
        text += "3,\"" + String(repeating: "line\n", count: 5000) + "\"\n4,ok\n"
        let path = try tempFile(text)
        let expected = [
            "2: 1|" + String(repeating: "a", count: 100),
            "!3 v: field is longer than the limit of 100 bytes",
            "!4 v: field is longer than the limit of 100 bytes",
            "5005: 4|ok",
        ]
        #expect(try summary(path, maxFieldBytes: 100) == expected)
        #expect(try summary(path, maxFieldBytes: 100, chunkSize: 33) == expected)
        // A 100-byte quoted field ending exactly at a chunk boundary (libcsv then holds 101 bytes).
        #expect(try summary(path, maxFieldBytes: 100, chunkSize: 109) == expected)
    }

    // MARK: - Fatal problems

    @Test func unterminatedQuoteAtEndOfFileIsFatal() throws {
        let error = inputError(try tempFile("id,note\n1,ok\n2,\"never closed\nmore text\n"))
        #expect(error?.kind == .unterminatedQuote)
        #expect(error?.line == 3)
        #expect(error?.message.contains("column \"note\" of the record starting on line 3 is never closed") == true)
    }

    @Test func emptyFileIsFatal() throws {
        #expect(inputError(try tempFile(""))?.kind == .emptyFile)
        #expect(inputError(try tempFile([0xEF, 0xBB, 0xBF]))?.kind == .emptyFile)
    }

    @Test func blankOnlyFileHasNoHeader() throws {
        let error = inputError(try tempFile("\n\r\n  \n"))
        #expect(error?.kind == .missingHeader)
        #expect(error?.message.contains("no header row") == true)
    }

    @Test func duplicateAndEmptyHeaderNamesAreFatal() throws {
        let duplicate = inputError(try tempFile("order_id,amount,status,amount\n1,2,3,4\n"))
        #expect(duplicate?.kind == .invalidHeader)
        #expect(duplicate?.line == 1)
        #expect(
            duplicate?.message == "invalid header row: column name \"amount\" appears twice (columns 2 and 4); "
                + "rename or remove one")
        let empty = inputError(try tempFile("\norder_id,,status\n1,2,3\n"))
        #expect(empty?.kind == .invalidHeader)
        #expect(empty?.line == 2)
        #expect(empty?.message == "invalid header row: column 2 has no name; name every column")
    }

    @Test func missingFileIsFatal() {
        let error = inputError("/nonexistent/dir/orders.csv")
        #expect(error?.kind == .fileNotFound)
        #expect(error?.description == "/nonexistent/dir/orders.csv: no such file; check the input path")
        #expect(inputError(FileManager.default.temporaryDirectory.path)?.kind == .unreadable)
    }

    @Test func errorsThrownByTheBodyPropagate() throws {
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try CSVReader(path: try tempFile("a\n1\n2\n3\n")).forEachRecord { _ in
                seen += 1
                if seen == 2 { throw Stop() }
            }
        }
        #expect(seen == 2)
    }
}
