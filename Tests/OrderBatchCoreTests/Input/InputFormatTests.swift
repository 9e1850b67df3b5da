import OrderBatchCore
import Testing

@Suite struct InputFormatTests {
    @Test func formatFromExtension() {
        #expect(InputFormat.fromExtension(path: "orders.csv") == .csv)
        #expect(InputFormat.fromExtension(path: "/data/in.v2/ORDERS.CSV") == .csv)
        #expect(InputFormat.fromExtension(path: "orders.jsonl") == .jsonl)
        #expect(InputFormat.fromExtension(path: "orders.ndjson") == .jsonl)
        #expect(InputFormat.fromExtension(path: "orders.json") == nil)
        #expect(InputFormat.fromExtension(path: "orders") == nil)
        #expect(InputFormat.fromExtension(path: "/data/in.csv/orders") == nil)
        #expect(InputFormat.fromExtension(path: ".csv") == nil)
    }

    @Test func makeSourcePicksTheReader() {
        // CSV through the restorer of fed-back reports (a no-op for any other file).
        #expect((InputFormat.csv.makeSource(path: "a.csv") as? ReportCellRestorer)?.base is CSVReader)
        #expect(InputFormat.jsonl.makeSource(path: "a.jsonl") is JSONLReader)
        #expect(InputFormat(rawValue: "jsonl") == .jsonl)
    }
}
