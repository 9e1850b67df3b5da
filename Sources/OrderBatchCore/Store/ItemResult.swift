/// A row's new state after some attempts, as the executor driver hands it to ``RunStore/record(_:)``.
///
/// The item's columns are overwritten with these values (including nils), and `log` is appended to the
/// attempts log, all in the one transaction of the `record` call.
public struct ItemResult: Sendable, Equatable {
    public var runID: String
    public var seq: Int64
    /// The generation the attempts belong to (``ClaimedItem/generation``); a result for an older generation is
    /// refused.
    public var generation: Int
    /// ``ItemState/pending`` (due again, or put back at a graceful stop), ``ItemState/succeeded``,
    /// ``ItemState/failed``, ``ItemState/skipped``, ``ItemState/unknown``, or ``ItemState/inFlight`` (still
    /// being worked on; records attempts so far). Never ``ItemState/invalid``.
    public var state: ItemState
    /// Attempts made in this generation so far, in total.
    public var attempts: Int
    /// The last HTTP status seen, nil when no response arrived.
    public var httpStatus: Int?
    /// The last provider or transport error code, nil after a success.
    public var errorCode: String?
    /// The last provider message or transport detail, or the skip reason.
    public var message: String?
    /// The last attempt's latency.
    public var latencyMilliseconds: Double?
    /// The attempts made since the row was last recorded, in order.
    public var log: [AttemptRecord]

    public init(
        runID: String, seq: Int64, generation: Int, state: ItemState, attempts: Int, httpStatus: Int? = nil,
        errorCode: String? = nil, message: String? = nil, latencyMilliseconds: Double? = nil,
        log: [AttemptRecord] = []
    ) {
        self.runID = runID
        self.seq = seq
        self.generation = generation
        self.state = state
        self.attempts = attempts
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
        self.latencyMilliseconds = latencyMilliseconds
        self.log = log
    }
}

extension ItemResult {
    /// The one attempt of a result that the SQLite store keeps on the row instead of in `attempts`: the first
    /// send of the generation, which succeeded, and whose latency, status, code and message are the row's own.
    /// Nil for any other result (it keeps its attempts log as it is).
    var summarizedSend: AttemptRecord? {
        guard state == .succeeded, attempts == 1, log.count == 1, let only = log.first, only.attempt == 1,
            only.phase == .send, only.result == .succeeded, only.latencyMilliseconds == latencyMilliseconds,
            only.httpStatus == httpStatus, only.errorCode == errorCode, only.message == message
        else { return nil }
        return only
    }
}
