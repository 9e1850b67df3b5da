import Foundation
import Testing

@testable import OrderBatchCore

/// A CSV report written by ``ReportWriter`` reads back, through ``InputFormat/makeSource(path:)``,
/// with the cells the input had: the formula guard is undone for reports and only for reports.
@Suite struct ReportCellRestorerTests {
    private let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("report-restorer-\(UUID().uuidString)")

    private func records(_ path: String) throws -> [InputRecord] {
        var out: [InputRecord] = []
        try InputFormat.csv.makeSource(path: path).forEachRecord { result in
            if case .record(let record) = result { out.append(record) }
        }
        return out
    }

    private func text(_ value: CellValue) -> String? {
        if case .text(let s) = value { return s }
        return nil
    }

    @Test func aReportReadsBackWithTheOriginalCells() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("failed.csv").path
        let cells = ["-", "=SUM(A1)", "'quoted", "''twice", "@home", "+1 555", "-5", "plain", ""]
        let columns = cells.indices.map { "c\($0)" }

        let writer = try FileDescriptorWriter(creatingFileAt: path)
        let report = ReportWriter(format: .csv, inputColumns: columns, output: writer)
        try report.write(
            ReportRow(
                line: 7, columns: zip(columns, cells).map { ReportColumn(name: $0, value: .text($1)) },
                state: "failed", errorCode: "=ERR", message: "-bad", attempts: 1))
        try report.finish()
        try writer.close()

        let raw = try String(contentsOfFile: path, encoding: .utf8)
        #expect(raw.contains("'=SUM(A1)"))  // the report itself is guarded
        let record = try #require(try records(path).first)
        #expect(Array(record.values.prefix(cells.count)).map(text) == cells.map { $0 })
        let outcome = Dictionary(uniqueKeysWithValues: zip(record.columns, record.values.map(text)))
        #expect(outcome[ReportOutcomeColumns.errorCode] == "=ERR")
        #expect(outcome[ReportOutcomeColumns.errorMessage] == "-bad")
    }

    @Test func anOrdinaryFileIsReadAsWritten() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("input.csv").path
        try "order_id,udf6\nORD1,'kept\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try records(path).first.map { $0.values.map(text) } == ["ORD1", "'kept"])
    }
}
