import Foundation

/// What the HTML report of a run shows, read from the store by ``load(store:run:job:databasePath:states:rowLimit:nextCommands:now:)``
/// and written by ``html`` (see `RunReport+HTML.swift`). Everything is aggregated by the store (counts, request
/// figures, time buckets) or bounded (the first `rowLimit` rows), so a run of a million rows makes a report
/// of the same size as a run of a hundred.
public struct RunReport: Sendable {
    public var run: RunRecord
    public var counts: RunCounts
    /// The run's job as recorded, with its recorded options applied; nil when it no longer reads.
    public var job: Job?
    public var databasePath: String
    /// Where the requests went and the whole run's figures.
    public var story: RunStory
    public var timeline: RunTimeline
    /// The states of the rows listed (`--state`).
    public var listedStates: [ItemState]
    /// The first rows in ``listedStates``, in input order.
    public var rows: [StoredItem]
    /// Whether more rows are in those states than ``rows`` holds.
    public var moreRows: Bool
    /// What to type next (`orderbatch resume …`).
    public var nextCommands: [String]
    public var generatedAt: Date

    /// How many buckets the charts cut the run into, at most.
    public static let maximumBuckets = 90

    /// Reads what the report shows.
    ///
    /// - Parameters:
    ///   - store: The run's store.
    ///   - run: The run.
    ///   - job: Its job with the recorded options applied, or nil.
    ///   - databasePath: The store's path, for the settings and commands.
    ///   - states: The states of the rows to list.
    ///   - rowLimit: How many rows to list at most.
    ///   - nextCommands: What to type next.
    ///   - now: When the report is made.
    /// - Returns: The report's content.
    /// - Throws: The store's errors.
    public static func load(
        store: any RunHistoryStore, run: RunRecord, job: Job?, databasePath: String, states: [ItemState],
        rowLimit: Int = 50, nextCommands: [String], now: Date = Date()
    ) throws -> RunReport {
        let counts = try store.counts(runID: run.id)
        // The span from the run's start to its last write: every attempt and every final state lies inside.
        let origin = run.startedAt ?? run.createdAt
        let end = [run.finishedAt, run.updatedAt].compactMap { $0 }.max() ?? origin
        let bucketSeconds = ChartAxis.bucketSeconds(
            span: max(1, end.timeIntervalSince(origin)), maximumBuckets: maximumBuckets)
        let (timeline, requests) = try store.history(
            runID: run.id, origin: origin, bucketSeconds: bucketSeconds, topErrors: RunStory.topErrorCount)
        let destination = job.map {
            RunStory.Destination(
                baseURL: $0.endpoint.baseURL(for: $0.provider) ?? "http://127.0.0.1", setting: $0.endpoint.description,
                provider: $0.provider.rawValue, isBuiltInEmulator: $0.endpoint == .emulator)
        }
        let story = RunStory(
            destination: destination, rateLimit: job?.rateLimit ?? [], invocation: nil,
            wholeRun: RunStory.Figures(
                requests: requests, rowsSettled: counts.settled, seconds: requests.spanSeconds,
                rateLimitPauseSeconds: nil))
        var rows: [StoredItem] = []
        var more = false
        /// Thrown to stop reading once the list is full.
        struct Enough: Error {}
        do {
            try store.forEachItem(runID: run.id, states: Set(states)) { item in
                guard rows.count < rowLimit else {
                    more = true
                    throw Enough()
                }
                rows.append(item)
            }
        } catch is Enough {}
        return RunReport(
            run: run, counts: counts, job: job, databasePath: databasePath, story: story, timeline: timeline,
            listedStates: states, rows: rows, moreRows: more, nextCommands: nextCommands, generatedAt: now)
    }
}
