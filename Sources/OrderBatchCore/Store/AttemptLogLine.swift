/// One line of a run's attempts log as `orderbatch log` shows it: the attempt and the row it was for.
public struct AttemptLogLine: Sendable, Equatable {
    /// The row's number in the run (1…N, input order).
    public var seq: Int64
    /// The row's order id.
    public var orderID: String
    /// The attempt generation (1, then one more per `retry`).
    public var generation: Int
    /// The attempt itself (its number is 0 for status reads).
    public var record: AttemptRecord

    public init(seq: Int64, orderID: String, generation: Int, record: AttemptRecord) {
        self.seq = seq
        self.orderID = orderID
        self.generation = generation
        self.record = record
    }
}
