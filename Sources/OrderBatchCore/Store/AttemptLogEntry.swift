/// One stored entry of a row's attempts log, with the generation it belongs to.
public struct AttemptLogEntry: Sendable, Equatable {
    /// The attempt generation (1, then one more per `retry`).
    public var generation: Int
    public var record: AttemptRecord

    public init(generation: Int, record: AttemptRecord) {
        self.generation = generation
        self.record = record
    }
}
