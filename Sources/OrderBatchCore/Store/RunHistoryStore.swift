import Foundation

/// What a store tells about a run's history, read from its attempts log and its rows: the figures of a
/// run's summary, the attempts log in time order, and the time buckets of the HTML report.
///
/// A companion to ``RunStore`` rather than part of it, so that a second store can implement it on its own
/// (``SQLiteRunStore`` does); the commands reach it with `store as? any RunHistoryStore`. Every figure is
/// aggregated by the database (no call loads every attempt), so a run of a million rows costs a few scans.
///
/// Shared definitions:
/// - An attempt belongs to the window of a call when its `started_at` is at or after `since` (nil: every
///   attempt of the run). `resume` and `retry` pass the moment the invocation started sending, so the
///   figures are the invocation's own.
/// - Latency percentiles are nearest-rank (the value at rank ⌈p·n/100⌉ of the n latencies in
///   ascending order) over the attempts that have a latency.
/// - An attempt is an error when its outcome is `permanent`, `retryable`, `unknown` or `rejected`; its code is
///   its `error_code` when not empty, else `HTTP <status>` when an answer came, else `no response`.
public protocol RunHistoryStore: RunStore {
    /// The request figures of run `runID`: per phase the number of requests and their latency percentiles,
    /// the `topErrors` most frequent error codes, the answers with HTTP status 429, and the first start and
    /// last end of a request.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - since: Only attempts that started at or after this moment; nil for every attempt.
    ///   - topErrors: How many error codes to return at most (most frequent first, ties by code).
    /// - Returns: The figures; ``RequestStatistics/requests`` is 0 when no attempt is in the window.
    /// - Throws: The store's errors (``SQLiteError``), ``RunStoreError/corruptRow(runID:seq:detail:)`` for an
    ///   attempt with an unknown phase.
    func requestStatistics(runID: String, since: Date?, topErrors: Int) throws -> RequestStatistics

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

    /// The run's history cut into buckets of `bucketSeconds` seconds from `origin`: bucket `i` holds what
    /// started (attempts) or ended (rows) at `origin + i·bucketSeconds` or later, before the next bucket.
    /// Attempts or rows before `origin` fall in bucket 0. Only non-empty buckets are returned.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - origin: The start of bucket 0 (the first attempt's start, usually).
    ///   - bucketSeconds: The width of a bucket, more than 0.
    /// - Returns: The requests per bucket (with their latency percentiles over every phase, 429s and update
    ///   retries), the errors per bucket and code, and the rows that reached `succeeded`, `failed`, `skipped`
    ///   or `unknown` per bucket (by the time their state was last written).
    /// - Throws: The store's errors.
    func timeline(runID: String, origin: Date, bucketSeconds: Double) throws -> RunTimeline
}
