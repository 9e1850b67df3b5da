/// Finds the older runs of a job that a new run must not start beside, and decides what `run` does about
/// them (``UnfinishedRunsPolicy``).
///
/// A run is *unfinished* while a `resume` of it could still send something: it is ``RunState/stopped``,
/// ``RunState/ready`` or ``RunState/running`` (with no live process: the caller holds the job's lease) with
/// rows pending, in flight or of unknown fate, or ``RunState/ingesting`` (interrupted while recording its
/// input: `resume` records it again and sends it all). Resuming one after a newer run applied its updates
/// would put the older values back, so `run` refuses (exit 3) or, asked to, supersedes it: closes it as
/// ``RunState/canceled``.
///
/// ```swift
/// let blockers = try UnfinishedRunCheck.blockers(in: store, jobName: job.name, excluding: newRunID)
/// switch UnfinishedRunCheck.decide(blockers, policy: job.unfinishedRuns) { … }
/// ```
public enum UnfinishedRunCheck {
    /// An unfinished run and its rows' counts.
    public struct Blocker: Sendable, Equatable {
        public var run: RunRecord
        public var counts: RunCounts

        public init(run: RunRecord, counts: RunCounts) {
            self.run = run
            self.counts = counts
        }

        /// E.g. `stopped (deadline), 17 of 20 rows left: 15 pending, 2 unknown`, or `interrupted while recording
        /// its input, 5000 rows recorded, nothing sent`.
        public var summary: String {
            let left = counts.remaining
            let breakdown = [("pending", counts.pending), ("in flight", counts.inFlight), ("unknown", counts.unknown)]
                .filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
            let rows = "\(left) of \(counts.total) rows left" + (breakdown.isEmpty ? "" : ": " + breakdown)
            switch run.state {
            case .ingesting:
                return "interrupted while recording its input, \(counts.total) rows recorded, nothing sent"
            case .running:
                return "running with no live process (killed or crashed), " + rows
            case .ready:
                return "ready, never started, " + rows
            case .stopped:
                let reason = run.stateReason.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
                return "stopped\(reason), " + rows
            case .finished, .failedIngest, .canceled:
                return run.state.rawValue
            }
        }
    }

    /// What `run` does.
    public enum Decision: Sendable, Equatable {
        /// No unfinished run: start.
        case proceed
        /// Refuse to start (exit 3), naming these runs.
        case refuse([Blocker])
        /// Close these runs as canceled, then start.
        case supersede([Blocker])
    }

    /// The unfinished runs of `jobName` other than `excluding` (the run about to start), newest first. Call
    /// while holding the job's lease, so that none of them has a live process.
    public static func blockers(in store: some RunStore, jobName: String, excluding runID: String) throws -> [Blocker] {
        var out: [Blocker] = []
        for run in try store.openRuns(jobName: jobName) where run.id != runID {
            let counts = try store.counts(runID: run.id)
            if run.state == .ingesting || counts.remaining > 0 { out.append(Blocker(run: run, counts: counts)) }
        }
        return out
    }

    /// The decision for `blockers` under `policy`.
    public static func decide(_ blockers: [Blocker], policy: UnfinishedRunsPolicy) -> Decision {
        guard !blockers.isEmpty else { return .proceed }
        switch policy {
        case .refuse: return .refuse(blockers)
        case .supersede: return .supersede(blockers)
        }
    }

    /// The reason recorded on a run closed because `newRunID` superseded it.
    public static func supersededReason(by newRunID: String) -> String { "superseded by run \(newRunID)" }
}
