import Foundation
import OrderBatchCore

/// The `--metrics FILE` of one invocation of `run`, `resume` or `retry`: what it learns along the way (the
/// job, the run it concerns, the requests it sent), written once on whichever path the invocation exits,
/// with the real exit code: 0 and 1, 2 (invalid input), 3 (stopped early, a refused re-run, a signal in any
/// phase), 64 once the job is parsed, 75 (lease held). Before the job is known there is nothing to label the
/// metrics with, and nothing is written.
///
/// Rows per state are read from the state database at the moment of writing, for the run the invocation
/// concerns (the one it created, resumed or retried, or the earlier run a refused re-run points at); zero
/// when it concerns none (invalid input, a lease held before a run was created). Safe from any thread: a
/// signal handler writes the file before an immediate exit.
final class MetricsRecorder: @unchecked Sendable {
    // @unchecked: every field is touched under `lock`.
    private let path: String?
    private let lock = NSLock()
    private var job: (name: String, provider: String)?
    private var run: (id: String, store: any RunStore)?
    private var attempts = 0
    private var retries = 0
    private var rateLimited = 0
    private var durationSeconds = 0.0
    private var written = false

    /// A recorder writing to `path`, or doing nothing when `path` is nil.
    init(path: String?) { self.path = path }

    /// The invocation runs `job`: from now on, metrics are written on exit.
    func concern(job: Job) {
        lock.withLock { self.job = (job.name, job.provider.rawValue) }
    }

    /// The invocation concerns run `runID`, recorded in `store`.
    func concern(runID: String, store: any RunStore) {
        lock.withLock { run = (runID, store) }
    }

    /// The store the invocation's run is recorded in, for closing it once the metrics are written.
    var store: (any RunStore)? { lock.withLock { run?.store } }

    /// The requests sent so far and the seconds spent sending (called as the run goes, and at its end).
    func record(_ counters: ExecutorCounters, elapsedSeconds: Double) {
        lock.withLock {
            attempts = counters.sends
            retries = counters.retries
            rateLimited = counters.rateLimited
            durationSeconds = elapsedSeconds
        }
    }

    /// Writes nothing on exit: `run --dry-run` runs nothing, and must not replace the metrics of the last run
    /// (a dry run of a cron line copied with its `--metrics` would hide that run's failure from alerts).
    func discard() {
        lock.withLock { written = true }
    }

    /// Writes the file with `exitCode`, once: later calls do nothing. A failure is reported on standard error
    /// and changes nothing else.
    func write(exitCode: Int32) {
        let metrics: RunMetrics? = lock.withLock {
            guard path != nil, !written, let job else { return nil }
            written = true
            var rows: [String: Int] = [:]
            if let run, let counts = try? run.store.counts(runID: run.id) {
                rows = Dictionary(uniqueKeysWithValues: counts.byState.map { ($0.state, $0.count) })
            }
            return RunMetrics(
                job: job.name, provider: job.provider, runID: run?.id ?? "", rowsByState: rows, attempts: attempts,
                retries: retries, rateLimited: rateLimited, durationSeconds: durationSeconds, exitCode: exitCode,
                finishedAt: Date().timeIntervalSince1970)
        }
        guard let metrics, let path else { return }
        do {
            try PrometheusMetrics.write(metrics, to: path)
        } catch {
            CommandSupport.printError("orderbatch: could not write metrics: \(error)")
        }
    }
}
