import Foundation
import OrderBatchCore

extension OrderBatch.Status {
    /// What `status RUN` adds to a run's counts: where its requests go and, with `figures`, the whole run's
    /// request figures from the attempts log (nil when the store keeps no history, or its job or options no
    /// longer read).
    ///
    /// The figures read every attempt of the run (seconds for a run of a million rows), so plain `status`,
    /// which cron scripts and `--watch` call often, leaves them out; `status RUN --figures` asks for them.
    /// The built-in emulator is started on a new port by every invocation; its address is shown as
    /// `http://127.0.0.1`.
    static func story(
        of run: RunRecord, counts: RunCounts, in store: any RunStore, path: String, figures: Bool
    ) throws -> RunStory? {
        guard let history = store as? any RunHistoryStore, let job = effectiveJob(run, path: path) else { return nil }
        let destination = RunStory.Destination(
            baseURL: job.endpoint.baseURL(for: job.provider) ?? "http://127.0.0.1", setting: job.endpoint.description,
            provider: job.provider.rawValue, isBuiltInEmulator: job.endpoint == .emulator)
        guard figures else {
            return RunStory(destination: destination, rateLimit: job.rateLimit, invocation: nil, wholeRun: nil)
        }
        let requests = try history.requestStatistics(runID: run.id, since: nil, topErrors: RunStory.topErrorCount)
        let whole = RunStory.Figures(
            requests: requests, rowsSettled: counts.settled, seconds: requests.spanSeconds, rateLimitPauseSeconds: nil)
        return RunStory(destination: destination, rateLimit: job.rateLimit, invocation: nil, wholeRun: whole)
    }

    /// The run's job as recorded, with the options recorded with it applied; nil when either no longer reads.
    static func effectiveJob(_ run: RunRecord, path: String) -> Job? {
        guard var job = try? JobParser.parse(text: run.jobText, path: run.jobPath),
            let overrides = try? RunOverrides.recorded(with: run, db: path)
        else { return nil }
        job.state = path
        return try? overrides.applied(to: job)
    }

    /// The story's lines as `name  value` pairs of the detail view (`latency ms  p50/p90/p99/max: …`).
    static func detailPairs(_ story: RunStory?) -> [(String, String)] {
        guard let story else { return [] }
        let lines = (story.endpointLine.map { [$0] } ?? []) + story.textLines().map { String($0.dropFirst(2)) }
        return lines.map { line in
            guard let colon = line.range(of: ": ") else { return (line, "") }
            return (String(line[..<colon.lowerBound]), String(line[colon.upperBound...]))
        }
    }

    /// The detail view's line for rows claimed by a process (state `in_flight`): a claim is not a request, so
    /// they are not called "in flight". A live process sends at most `concurrency` of them at a time.
    /// With several live workers (PostgreSQL), the rows are theirs, each sending at most `concurrency` at a time.
    static func claimedText(
        _ count: Int, run: RunRecord, process: Process?, path: String, liveWorkers: Int = 0
    ) -> String {
        guard count > 0 else { return "0" }
        if liveWorkers > 1 {
            let limit = effectiveJob(run, path: path).map { ", each sending at most \($0.concurrency) at a time" } ?? ""
            return "\(count) (taken by the \(liveWorkers) live workers\(limit); the rest wait their turn)"
        }
        if process?.isLive == true {
            let limit = effectiveJob(run, path: path).map { ", at most \($0.concurrency) requests at a time" } ?? ""
            return "\(count) (taken by the running process\(limit); the rest wait their turn)"
        }
        return "\(count) (left by a process that stopped: resume reconciles them first)"
    }
}
