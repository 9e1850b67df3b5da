import Foundation
import OrderBatchCore
import Testing

@Suite struct JSONLReaderTests {
    // MARK: - Helpers

    private func tempFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jsonlreader-\(UUID().uuidString).jsonl")
        try Data(bytes).write(to: url)
        return url.path
    }

    private func tempFile(_ text: String) throws -> String { try tempFile(Array(text.utf8)) }

    /// One line of text per result: `3: {"a":1}` (the record re-encoded) or `!7: message`.
    private func summary(
        _ path: String, maxLineBytes: Int = JSONLReader.defaultMaxLineBytes, chunkSize: Int = CSVReader.defaultChunkSize
    ) throws -> [String] {
        var out: [String] = []
        try JSONLReader(path: path, maxLineBytes: maxLineBytes, chunkSize: chunkSize).forEachRecord { result in
            switch result {
            case let .record(record):
                let members = zip(record.columns, record.values).map { key, cell -> (key: String, value: JSONValue) in
                    guard case let .json(value) = cell else { return (key, .null) }
                    return (key, value)
                }
                out.append("\(record.line): \(JSONValue.object(members).compactText)")
            case let .malformed(issue):
                out.append("!\(issue.line): \(issue.message)")
            }
        }
        return out
    }

    // MARK: - Tests

    @Test func readsObjectsWithKeysInOrder() throws {
        let path = try tempFile(
            #"{"order_id":"ORD1","amount":13.50,"metadata":{"b":1}}"# + "\n" + #"{"z":null,"a":[true]}"# + "\n")
        var records: [InputRecord] = []
        try JSONLReader(path: path).forEachRecord { if case let .record(r) = $0 { records.append(r) } }
        #expect(records.count == 2)
        #expect(records[0].line == 1)
        #expect(records[0].columns == ["order_id", "amount", "metadata"])
        #expect(records[0].value("amount") == .json(.number(JSONNumber(literal: "13.5")!)))
        #expect(records[0].value("metadata") == .json(.object([(key: "b", value: .number(JSONNumber(1)))])))
        #expect(records[1].columns == ["z", "a"])
        #expect(records[1].line == 2)
    }

    @Test func blankLinesAreSkippedAndLinesCounted() throws {
        let path = try tempFile("\n{\"a\":1}\n   \n\t\n\r\n{\"a\":2}\n\n")
        #expect(try summary(path) == [#"2: {"a":1}"#, #"6: {"a":2}"#])
    }

    @Test func crlfAndByteOrderMarkAreTolerated() throws {
        let path = try tempFile([0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\r\n{\"b\":\"x\\r\"}\r\n".utf8))
        #expect(try summary(path) == [#"1: {"a":1}"#, #"2: {"b":"x\r"}"#])
        // A byte-order mark is only skipped on line 1.
        let later = try tempFile(Array("{\"a\":1}\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("{\"a\":2}\n".utf8))
        #expect(
            try summary(later).last
                == "!2: invalid JSON at column 1: unexpected byte-order mark (U+FEFF); expected a value")
    }

    @Test func lastLineWithoutNewlineIsRead() throws {
        #expect(try summary(tempFile("{\"a\":1}\n{\"a\":2}")) == [#"1: {"a":1}"#, #"2: {"a":2}"#])
    }

    @Test func invalidLinesAreMalformedWithLineAndColumnAndReadingGoesOn() throws {
        let lines = [
            #"{"a":1}"#,
            #"{"a":1,}"#,
            #"{"é":1, "é":2}"#,
            #"[1,2]"#,
            #"{"n":NaN}"#,
            #"{"n":01}"#,
            #"{"s":"\ud800"}"#,
            #"{"a":1} {"b":2}"#,
            #"{"ok":true}"#,
        ]
        #expect(
            try summary(tempFile(lines.joined(separator: "\n") + "\n")) == [
                #"1: {"a":1}"#,
                "!2: invalid JSON at column 8: trailing comma in object",
                #"!3: invalid JSON at column 9: duplicate key "é" in object"#,
                "!4: expected a JSON object, found an array",
                "!5: invalid JSON at column 6: NaN is not valid JSON",
                "!6: invalid JSON at column 6: leading zeros are not allowed in numbers",
                #"!7: invalid JSON at column 7: lone surrogate \uD800 in string"#,
                "!8: invalid JSON at column 9: unexpected '{' after the JSON value",
                #"9: {"ok":true}"#,
            ])
    }

    @Test func invalidUTF8IsMalformed() throws {
        let path = try tempFile(Array("{\"a\":\"x".utf8) + [0xC3, 0x28] + Array("\"}\n{\"a\":2}\n".utf8))
        #expect(try summary(path) == ["!1: invalid JSON at column 8: invalid UTF-8 byte 0xC3", #"2: {"a":2}"#])
    }

    @Test func overlongLinesAreMalformedWithoutBeingHeld() throws {
        let long = #"{"blob":""# + String(repeating: "x", count: 5000) + #""}"#
        let text = "{\"a\":1}\n" + long + "\n{\"a\":2}\n" + long
        let expected = [
            #"1: {"a":1}"#, "!2: line is longer than the limit of 1000 bytes", #"3: {"a":2}"#,
            "!4: line is longer than the limit of 1000 bytes",
        ]
        let path = try tempFile(text)
        #expect(try summary(path, maxLineBytes: 1000) == expected)
        #expect(try summary(path, maxLineBytes: 1000, chunkSize: 64) == expected)
        #expect(try summary(path).count == 4)
    }

    @Test func resultsDoNotDependOnChunkSize() throws {
        var text = ""
        for i in 0..<300 {
            text += i % 11 == 0 ? "{\"i\":\(i),\"bad\"}\r\n" : "{\"i\":\(i),\"note\":\"n\\u00e9 \(i)\"}\n"
            if i % 7 == 0 { text += "\n" }
        }
        let path = try tempFile(text)
        let reference = try summary(path)
        #expect(reference.count == 300)
        for chunkSize in [16, 31, 1000] {
            #expect(try summary(path, chunkSize: chunkSize) == reference)
        }
    }

    @Test func emptyAndMissingFilesAreFatal() throws {
        let empty = try tempFile("")
        #expect(throws: InputError.emptyFile(path: empty)) {
            try JSONLReader(path: empty).forEachRecord { _ in }
        }
        do {
            try JSONLReader(path: "/nonexistent/x.jsonl").forEachRecord { _ in }
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.kind == .fileNotFound)
        }
        #expect(try summary(tempFile("\n\n")).isEmpty)
    }
}
