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
        try base.forEachRecord { record in
            if stop.raised != nil { throw Stopped() }
            try body(record)
        }
    }
}
