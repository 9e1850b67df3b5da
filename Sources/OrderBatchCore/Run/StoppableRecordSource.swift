/// A ``RecordSource`` that stops between two records once a ``StopFlag`` is raised (a signal while a run's
/// input is validated or recorded), by throwing ``Stopped`` out of the reader.
public struct StoppableRecordSource: RecordSource {
    /// The stop flag was raised; the records after the current one were not read.
    public struct Stopped: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "stopped by a signal" }
    }

    public var base: any RecordSource
    public var stop: StopFlag

    public init(base: any RecordSource, stop: StopFlag) {
        self.base = base
        self.stop = stop
    }

    public func forEachRecord(_ body: (RecordResult) throws -> Void) throws {
        try forEachRecord(lendingTo: nil, body)
    }

    /// Reads like ``forEachRecord(_:)``, lending rows to `taker` (``CSVRowTaker``) and stopping
    /// between two rows, lent or not, once the flag is raised.
    public func forEachRecord(lendingTo taker: (any CSVRowTaker)?, _ body: (RecordResult) throws -> Void) throws {
        try base.forEachRecord(lendingTo: taker.map { StoppingTaker($0, stop: stop) }) { record in
            if stop.raised != nil { throw Stopped() }
            try body(record)
        }
    }
}

/// A taker that throws ``StoppableRecordSource/Stopped`` before a row once the stop flag is raised.
private final class StoppingTaker: CSVRowTaker {
    let taker: any CSVRowTaker
    let stop: StopFlag

    init(_ taker: any CSVRowTaker, stop: StopFlag) {
        self.taker = taker
        self.stop = stop
    }

    func lendsRows(under columns: [String]) -> Bool { taker.lendsRows(under: columns) }

    func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool {
        if stop.raised != nil { throw StoppableRecordSource.Stopped() }
        return try taker.take(fields, line: line)
    }
}
