import Foundation

extension RunCoordinator {
    /// The story of an execution that just ended: where its requests went, this invocation's request figures
    /// and, for `resume` and `retry`, the whole run's. Nil when the store keeps no history
    /// (``RunHistoryStore``), or reading it failed: the summary then keeps its counts, and the run its exit
    /// status.
    ///
    /// - Parameters:
    ///   - store: The run's store.
    ///   - runID: The run.
    ///   - job: The job after overrides (its endpoint setting, provider and rate limit).
    ///   - baseURL: Where the requests went.
    ///   - since: When this invocation started sending; its attempts started at or after it.
    ///   - result: The driver's result (elapsed time, the pause 429s asked for).
    ///   - settledNow: Rows this invocation settled.
    ///   - settledInAll: Rows of the run settled now, every invocation together.
    ///   - wholeRun: Whether to add the whole run's figures (`resume`, `retry`).
    /// - Returns: The story, or nil.
    static func story(
        store: any RunStore, runID: String, job: Job, baseURL: String, since: Date, result: RunDriver.Result,
        settledNow: Int, settledInAll: Int, wholeRun: Bool
    ) -> RunStory? {
        guard let history = store as? any RunHistoryStore else { return nil }
        let destination = RunStory.Destination(
            baseURL: baseURL, setting: job.endpoint.description, provider: job.provider.rawValue,
            isBuiltInEmulator: job.endpoint == .emulator)
        do {
            let (mine, all) = try history.invocationFigures(
                runID: runID, since: since, wholeRun: wholeRun, topErrors: RunStory.topErrorCount)
            let invocation = RunStory.Figures(
                requests: mine, rowsSettled: settledNow, seconds: result.elapsedSeconds,
                rateLimitPauseSeconds: result.counters.rateLimitPauseSeconds)
            let whole = all.map { all in
                RunStory.Figures(
                    requests: all, rowsSettled: settledInAll, seconds: all.spanSeconds, rateLimitPauseSeconds: nil)
            }
            return RunStory(destination: destination, rateLimit: job.rateLimit, invocation: invocation, wholeRun: whole)
        } catch {
            return RunStory(destination: destination, rateLimit: job.rateLimit, invocation: nil, wholeRun: nil)
        }
    }
}
