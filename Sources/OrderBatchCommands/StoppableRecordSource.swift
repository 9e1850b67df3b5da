import OrderBatchCore

/// A ``RecordSource`` that stops between two records once a ``StopFlag`` is raised (a signal while a run's
/// input is validated or recorded), by throwing ``Stopped`` out of the reader.
struct StoppableRecordSource: RecordSource {
    /// The stop flag was raised; the records after the current one were not read.
    struct Stopped: Error, CustomStringConvertible {
        var description: String { "stopped by a signal" }
    }

    var base: any RecordSource
    var stop: StopFlag

    func forEachRecord(_ body: (RecordResult) throws -> Void) throws {
        try base.forEachRecord { record in
            if stop.raised != nil { throw Stopped() }
            try body(record)
        }
    }
}
