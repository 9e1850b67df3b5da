import Foundation
import Testing

@testable import OrderBatchCore

/// ``StoppableRecordSource`` lends rows (so `run`'s validation takes the byte path, issue #12)
/// and still stops between two rows once its flag is raised, whether the rows are lent or not.
@Suite struct StoppableRecordSourceTests {
    /// Takes every row, raising `stop` on the line `raiseOn`.
    private final class Taker: CSVRowTaker {
        let stop: StopFlag
        let raiseOn: Int
        var taken: [Int] = []
        init(stop: StopFlag, raiseOn: Int) {
            self.stop = stop
            self.raiseOn = raiseOn
        }

        func lendsRows(under columns: [String]) -> Bool { true }

        func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool {
            taken.append(line)
            if line == raiseOn { stop.raise(.signal) }
            return true
        }
    }

    private func withFile(_ text: String, _ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    @Test func lentRowsStopAtTheNextRowOnceTheFlagIsRaised() throws {
        try withFile("order_id,amount\nA1,1\nA2,2\nA3,3\nA4,4\n") { path in
            let stop = StopFlag()
            let taker = Taker(stop: stop, raiseOn: 3)
            let source = StoppableRecordSource(base: InputFormat.csv.makeSource(path: path), stop: stop)
            var records = 0
            #expect(throws: StoppableRecordSource.Stopped.self) {
                try source.forEachRecord(lendingTo: taker) { _ in records += 1 }
            }
            #expect(taker.taken == [2, 3])
            #expect(records == 0)
        }
    }

    @Test func recordsStillStopWhenNothingIsLent() throws {
        try withFile("order_id,amount\nA1,1\n\"A2\",2\nA3,3\n") { path in
            let stop = StopFlag()
            let source = StoppableRecordSource(base: InputFormat.csv.makeSource(path: path), stop: stop)
            var lines: [Int] = []
            #expect(throws: StoppableRecordSource.Stopped.self) {
                try source.forEachRecord { result in
                    if case .record(let record) = result { lines.append(record.line) }
                    stop.raise(.signal)
                }
            }
            #expect(lines == [2])
        }
    }
}
