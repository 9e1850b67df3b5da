import Foundation
import OrderBatchCore
import Testing

@Suite struct ReportWriterTests {
    private func text(_ pairs: KeyValuePairs<String, String>) -> [ReportColumn] {
        pairs.map { ReportColumn(name: $0.key, value: .text($0.value)) }
    }

    /// Writes `rows` to a file and returns the file's path and text.
    private func write(
        _ rows: [ReportRow], format: ReportFormat, inputColumns: [String]? = nil, in directory: String
    ) throws -> (path: String, text: String) {
        let path = directory + "/report." + format.rawValue
        let output = try FileDescriptorWriter(creatingFileAt: path)
        let writer = ReportWriter(format: format, inputColumns: inputColumns, output: output)
        for row in rows { try writer.write(row) }
        try writer.finish()
        try output.close()
        return (path, try contents(path))
    }

    // MARK: - CSV

    @Test func csvHasInputColumnsThenOutcomeColumnsWithQuotingAndNeutralisedFormulas() throws {
        let rows = [
            ReportRow(
                line: 2, columns: text(["order_id": "ORD-1", "amount": "-5", "udf1": "=HYPERLINK(\"x\")"]),
                state: "failed", httpStatus: 400, errorCode: "NOT_FOUND", message: "order, \"ORD-1\" not found",
                attempts: 1),
            ReportRow(
                line: 4, columns: text(["order_id": "ORD-2", "amount": "+1", "udf1": "two\nlines"]),
                state: "unknown", attempts: 3),
        ]
        let text = try withTemporaryDirectory { try write(rows, format: .csv, in: $0).text }
        #expect(
            text
                == "order_id,amount,udf1,ob_input_line,ob_state,ob_http_status,ob_error_code,ob_error_message,ob_attempts\r\n"
                + "ORD-1,-5,\"'=HYPERLINK(\"\"x\"\")\",2,failed,400,NOT_FOUND,\"order, \"\"ORD-1\"\" not found\",1\r\n"
                + "ORD-2,+1,\"two\nlines\",4,unknown,,,,3\r\n")
    }

    @Test func csvReportReadsBackThroughOurOwnReaderWithOriginalValues() throws {
        let originals: [[String]] = [
            ["ORD-1", "=1+1", "  spaced  ", "é, \"quoted\"\r\nnext"],
            ["ORD-2", "'apostrophe", "-0.5", "@at"],
        ]
        let columns = ["order_id", "udf1", "udf2", "udf3"]
        let rows = originals.enumerated().map { index, values in
            ReportRow(
                line: index + 2, columns: zip(columns, values).map { ReportColumn(name: $0, value: .text($1)) },
                state: "failed", httpStatus: 503, errorCode: nil, message: "-1 retries left", attempts: 4)
        }
        let records: [InputRecord] = try withTemporaryDirectory { directory in
            let path = try write(rows, format: .csv, in: directory).path
            var records: [InputRecord] = []
            try CSVReader(path: path).forEachRecord { result in
                if case let .record(record) = result { records.append(record) }
            }
            return records
        }
        try #require(records.count == 2)
        #expect(records[0].columns == columns + ReportOutcomeColumns.all)
        for (record, values) in zip(records, originals) {
            let restored = record.values.prefix(columns.count).map { cell -> String in
                guard case let .text(text) = cell else { return "<json>" }
                return CSVFormulaGuard.restore(text)
            }
            #expect(restored == values)
            #expect(record.value("ob_error_message") == .text("'-1 retries left"))
        }
        #expect(records[1].value("ob_input_line") == .text("3"))
    }

    @Test func csvWritesJSONValuesAsText() throws {
        let columns = [
            try ReportColumn(name: "order_id", compactJSON: #""order_1""#),
            try ReportColumn(name: "amount", compactJSON: "13.50"),
            try ReportColumn(name: "metadata", compactJSON: #"{"a":[1,"b"]}"#),
            try ReportColumn(name: "coupon", compactJSON: "null"),
            try ReportColumn(name: "flag", compactJSON: "true"),
        ]
        let row = ReportRow(line: 1, columns: columns, state: "succeeded", httpStatus: 200, attempts: 1)
        let text = try withTemporaryDirectory { try write([row], format: .csv, in: $0).text }
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[1] == #"order_1,13.5,"{""a"":[1,""b""]}",,true,1,succeeded,200,,,1"#)
    }

    @Test func csvHeaderComesFromFirstRowWhenNotGivenAndRefusesNewColumns() throws {
        let first = ReportRow(line: 1, columns: text(["a": "1", "b": "2"]), state: "failed")
        let missing = ReportRow(line: 2, columns: text(["b": "3"]), state: "failed")
        let extra = ReportRow(line: 3, columns: text(["a": "1", "c": "x"]), state: "failed")
        try withTemporaryDirectory { directory in
            let path = directory + "/r.csv"
            let output = try FileDescriptorWriter(creatingFileAt: path)
            let writer = ReportWriter(format: .csv, output: output)
            try writer.write(first)
            try writer.write(missing)
            #expect(throws: ReportingError.columnNotInHeader(column: "c", line: 3)) { try writer.write(extra) }
            try writer.finish()
            try output.close()
            #expect(
                try contents(path)
                    == "a,b,ob_input_line,ob_state,ob_http_status,ob_error_code,ob_error_message,ob_attempts\r\n"
                    + "1,2,1,failed,,,,0\r\n,3,2,failed,,,,0\r\n")
        }
    }

    @Test func staleOutcomeColumnsOfAnEarlierReportAreReplaced() throws {
        let row = ReportRow(
            line: 2, columns: text(["order_id": "ORD-1", "ob_state": "failed", "ob_attempts": "3"]),
            state: "succeeded", httpStatus: 200, attempts: 1)
        try withTemporaryDirectory { directory in
            let csv = try write(
                [row], format: .csv, inputColumns: ["order_id", "ob_state", "ob_attempts"], in: directory)
            #expect(
                csv.text
                    == "order_id,ob_input_line,ob_state,ob_http_status,ob_error_code,ob_error_message,ob_attempts\r\n"
                    + "ORD-1,2,succeeded,200,,,1\r\n")
            let jsonl = try write([row], format: .jsonl, in: directory)
            #expect(
                jsonl.text
                    == #"{"order_id":"ORD-1","ob_input_line":2,"ob_state":"succeeded","ob_http_status":200,"#
                    + #""ob_error_code":null,"ob_error_message":null,"ob_attempts":1}"# + "\n")
        }
    }

    @Test func emptyCSVReportStillHasItsHeader() throws {
        let text = try withTemporaryDirectory { try write([], format: .csv, inputColumns: ["order_id"], in: $0).text }
        #expect(
            text == "order_id,ob_input_line,ob_state,ob_http_status,ob_error_code,ob_error_message,ob_attempts\r\n")
        let jsonl = try withTemporaryDirectory { try write([], format: .jsonl, in: $0).text }
        #expect(jsonl.isEmpty)
    }

    // MARK: - JSONL

    @Test func jsonlRestoresJSONValuesAndReadsBackThroughOurOwnReader() throws {
        let rows = [
            ReportRow(
                line: 1,
                columns: [
                    try ReportColumn(name: "order", compactJSON: #""order_ab""#),
                    try ReportColumn(name: "metadata", compactJSON: #"{"k":"=v","n":1.50}"#),
                    try ReportColumn(name: "tax_percent", compactJSON: "-5"),
                ],
                state: "failed", httpStatus: 400, errorCode: "ERROR_UPDATE_ORDER", message: "bad \"metadata\"\n",
                attempts: 2),
            ReportRow(line: 2, columns: text(["order_id": "ORD-2", "amount": "=1"]), state: "pending"),
        ]
        try withTemporaryDirectory { directory in
            let (path, text) = try write(rows, format: .jsonl, in: directory)
            #expect(
                text
                    == #"{"order":"order_ab","metadata":{"k":"=v","n":1.5},"tax_percent":-5,"ob_input_line":1,"#
                    + #""ob_state":"failed","ob_http_status":400,"ob_error_code":"ERROR_UPDATE_ORDER","#
                    + #""ob_error_message":"bad \"metadata\"\n","ob_attempts":2}"# + "\n"
                    + #"{"order_id":"ORD-2","amount":"=1","ob_input_line":2,"ob_state":"pending","#
                    + #""ob_http_status":null,"ob_error_code":null,"ob_error_message":null,"ob_attempts":0}"# + "\n")
            var records: [InputRecord] = []
            try JSONLReader(path: path).forEachRecord { result in
                if case let .record(record) = result { records.append(record) }
            }
            try #require(records.count == 2)
            #expect(records[0].value("metadata") == rows[0].columns[1].value)
            #expect(records[0].value("ob_http_status") == .json(.number(JSONNumber(400))))
            #expect(records[1].value("amount") == .json(.string("=1")))
        }
    }

    // MARK: - Streaming and failures

    @Test func streamsManyRowsWithBoundedBuffering() throws {
        let count = 5_000
        let lines = try withTemporaryDirectory { directory -> Int in
            let path = directory + "/big.csv"
            let output = try FileDescriptorWriter(creatingFileAt: path)
            let writer = ReportWriter(format: .csv, inputColumns: ["order_id", "amount"], output: output)
            for i in 0..<count {
                try writer.write(
                    ReportRow(line: i + 2, columns: text(["order_id": "ORD-\(i)", "amount": "1.00"]), state: "failed"))
            }
            try writer.finish()
            try output.close()
            return try contents(path).components(separatedBy: "\r\n").count - 1
        }
        #expect(lines == count + 1)
    }

    @Test func aFullDiskIsAnErrorNotASilentlyShortReport() throws {
        let output = try FileDescriptorWriter(creatingFileAt: "/dev/full")
        let writer = ReportWriter(format: .jsonl, output: output)
        let row = ReportRow(line: 1, columns: text(["order_id": "ORD-1"]), state: "failed")
        try writer.write(row)  // buffered
        #expect(throws: ReportingError.writeFailed(target: "/dev/full", errno: ENOSPC)) { try writer.finish() }
        #expect(
            ReportingError.writeFailed(target: "/dev/full", errno: ENOSPC).description
                == "writing to /dev/full failed: No space left on device (errno 28); the output is incomplete")
    }

    @Test func aMissingDirectoryIsNamedInTheError() throws {
        let error = #expect(throws: ReportingError.self) {
            _ = try FileDescriptorWriter(creatingFileAt: "/nonexistent-dir-\(UUID().uuidString)/r.csv")
        }
        #expect(error?.description.contains("No such file or directory") == true)
    }
}
