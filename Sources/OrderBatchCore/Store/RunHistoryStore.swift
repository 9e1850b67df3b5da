import Foundation

/// What a store tells about a run's history, read from its attempts log and its rows: the figures of a
/// run's summary, the attempts log in time order, and the time buckets of the HTML report.
///
/// A companion to ``RunStore`` rather than part of it, so that a second store can implement it on its own
/// (``SQLiteRunStore`` does); the commands reach it with `store as? any RunHistoryStore`. A store implements
/// four calls, each one query; the figures (``requestStatistics(runID:since:topErrors:)``,
/// ``timeline(runID:origin:bucketSeconds:)``) are computed from their groups by this protocol's extension, so
/// every store gives the same numbers. No call loads every attempt: the database aggregates them.
///
/// Shared definitions:
/// - The bucket of a time `t` is `max(0, ⌊(t − origin) / bucketSeconds⌋)` (`t` and `origin` in seconds since
///   1970).
/// - The latency bin of an attempt is `⌊ln(latency_ms + 1) · 100⌋` (natural logarithm), nil when it has no
///   latency: a bin spans 1 % of the value, so a percentile read from the bins (the largest latency of the bin
///   holding the rank) is at most 1 % above the exact one, and exact when a bin holds one distinct value.
/// - An attempt is an error when its outcome is `permanent`, `retryable`, `unknown` or `rejected`; its code is
///   its `error_code` when not empty, else `HTTP <status>` when an answer came, else `no response`.
public protocol RunHistoryStore: RunStore {
    /// The attempts of run `runID` that started at or after `since` (every one when nil), counted per
    /// (bucket of `started_at`, phase, latency bin) as ``AttemptGroup``s, in no particular order.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - since: Only attempts that started at or after this moment; nil for every attempt.
    ///   - origin: The start of bucket 0.
    ///   - bucketSeconds: The width of a bucket, more than 0 (a huge width puts every attempt in bucket 0).
    /// - Returns: One group per non-empty (bucket, phase, latency bin).
    /// - Throws: The store's errors.
    func attemptGroups(runID: String, since: Date?, origin: Date, bucketSeconds: Double) throws -> [AttemptGroup]

    /// The error attempts of run `runID` that started at or after `since` (every one when nil), counted per
    /// (bucket of `started_at`, phase, error code), in no particular order.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - since: Only attempts that started at or after this moment; nil for every attempt.
    ///   - origin: The start of bucket 0.
    ///   - bucketSeconds: The width of a bucket, more than 0.
    /// - Returns: One group per non-empty (bucket, phase, code).
    /// - Throws: The store's errors.
    func errorGroups(runID: String, since: Date?, origin: Date, bucketSeconds: Double) throws -> [ErrorGroup]

    /// The rows of run `runID` in state `succeeded`, `failed`, `skipped` or `unknown`, counted per (bucket of
    /// the time their state was last written, state), in bucket order, then state name.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - origin: The start of bucket 0.
    ///   - bucketSeconds: The width of a bucket, more than 0.
    /// - Returns: One entry per non-empty (bucket, state).
    /// - Throws: The store's errors.
    func finishedRows(runID: String, origin: Date, bucketSeconds: Double) throws -> [RunTimeline.Finished]

    /// Calls `body` with each attempt of run `runID` (of the row whose order id is `orderID` only, when
    /// given), ordered by start time, then by the order they were recorded in. Memory stays flat however long
    /// the log: the rows are read as a stream. `body` must not call the store; rethrows what `body` throws
    /// (and stops there).
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - orderID: The order id of one row (its every generation), or nil for every row.
    ///   - body: Called once per attempt.
    /// - Throws: What `body` throws, the store's errors, ``RunStoreError/corruptRow(runID:seq:detail:)`` for an
    ///   attempt with an unknown phase or outcome.
    func forEachAttempt(runID: String, orderID: String?, _ body: (AttemptLogLine) throws -> Void) throws

    /// The figures of the end-of-invocation summary: this invocation's requests (those that started at or
    /// after `since`) and, when `wholeRun`, the whole run's. The default reads them from the log with
    /// ``requestStatistics(runID:since:topErrors:)``; a store may keep them as it records instead (SQLite
    /// does, see ``RequestFigures``), as long as the numbers are the same.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - since: When this invocation started sending.
    ///   - wholeRun: Whether the whole run's figures are wanted too.
    ///   - topErrors: How many error codes to name.
    /// - Returns: This invocation's figures, and the whole run's (nil unless `wholeRun`).
    /// - Throws: The store's errors.
    func invocationFigures(
        runID: String, since: Date, wholeRun: Bool, topErrors: Int
    ) throws -> (invocation: RequestStatistics, wholeRun: RequestStatistics?)
}

extension RunHistoryStore {
    public func invocationFigures(
        runID: String, since: Date, wholeRun: Bool, topErrors: Int
    ) throws -> (invocation: RequestStatistics, wholeRun: RequestStatistics?) {
        try invocationFiguresFromLog(runID: runID, since: since, wholeRun: wholeRun, topErrors: topErrors)
    }

    /// ``invocationFigures(runID:since:wholeRun:topErrors:)`` read from the log: the default, and what a store
    /// that keeps them falls back to.
    func invocationFiguresFromLog(
        runID: String, since: Date, wholeRun: Bool, topErrors: Int
    ) throws -> (invocation: RequestStatistics, wholeRun: RequestStatistics?) {
        (
            try requestStatistics(runID: runID, since: since, topErrors: topErrors),
            wholeRun ? try requestStatistics(runID: runID, since: nil, topErrors: topErrors) : nil
        )
    }
}

/// Attempts of one (bucket, phase, latency bin): see ``RunHistoryStore/attemptGroups(runID:since:origin:bucketSeconds:)``.
public struct AttemptGroup: Sendable, Equatable {
    public var bucket: Int
    public var phase: AttemptRecord.Phase
    /// `⌊ln(latency_ms + 1) · 100⌋`; nil for the attempts without a latency.
    public var latencyBin: Int?
    /// Attempts in the group.
    public var count: Int
    /// The largest latency of the group, in milliseconds; nil without latency.
    public var maxLatency: Double?
    /// Attempts answered with HTTP status 429.
    public var rateLimited: Int
    /// Updates sent again: phase `send` with an attempt number above 1.
    public var retries: Int
    /// The earliest `started_at` of the group, seconds since 1970.
    public var firstStarted: Double
    /// The latest `started_at + latency_ms / 1000` of the group (latency 0 when missing), seconds since 1970.
    public var lastEnded: Double

    public init(
        bucket: Int, phase: AttemptRecord.Phase, latencyBin: Int?, count: Int, maxLatency: Double?, rateLimited: Int,
        retries: Int, firstStarted: Double, lastEnded: Double
    ) {
        self.bucket = bucket
        self.phase = phase
        self.latencyBin = latencyBin
        self.count = count
        self.maxLatency = maxLatency
        self.rateLimited = rateLimited
        self.retries = retries
        self.firstStarted = firstStarted
        self.lastEnded = lastEnded
    }
}

/// Error attempts of one (bucket, phase, code): see ``RunHistoryStore/errorGroups(runID:since:origin:bucketSeconds:)``.
public struct ErrorGroup: Sendable, Equatable {
    public var bucket: Int
    public var phase: AttemptRecord.Phase
    public var code: String
    public var count: Int

    public init(bucket: Int, phase: AttemptRecord.Phase, code: String, count: Int) {
        self.bucket = bucket
        self.phase = phase
        self.code = code
        self.count = count
    }
}
