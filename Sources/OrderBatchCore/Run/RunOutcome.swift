/// How a ``RunCoordinator`` call ended, when it did not throw a ``RunError``.
public enum RunOutcome {
    /// `run --dry-run`: the input is valid; the command prints the requests that would be sent.
    case dryRun(DryRunPlan)
    /// `run` on an input this job already ran to the end, `resume` of a finished run, `retry` of a run with
    /// nothing to send again: nothing was sent (exit 0; the reason was noted).
    case alreadyFinished
    /// The run executed and ended; the command prints the summary.
    case executed(RunSummary)

    /// The exit status.
    public var status: ExitStatus {
        switch self {
        case .dryRun, .alreadyFinished: return .success
        case .executed(let summary): return summary.status
        }
    }
}

/// What `run --dry-run` shows: the job after overrides, and the validated input.
public struct DryRunPlan {
    public var job: Job
    public var recording: InputRecording
    public var report: ValidationReport
}

/// A run that executed: what its summary says.
public struct RunSummary {
    public var runID: String
    /// The job after overrides, `state` the database's path.
    public var job: Job
    public var counts: RunCounts
    public var result: RunDriver.Result
    /// 0, 1 or 3.
    public var status: ExitStatus
    /// Why it stopped (`status` 3).
    public var reason: String?
    /// For a run stopped by a signal: the line saying what is left and what to type, printed after the summary.
    public var signalNote: String?
    /// `run`, `resume` or `retry`.
    public var invocation: String = "run"
    /// Where the requests went and the request figures; nil when the store keeps no history.
    public var story: RunStory?

    /// The state database's path.
    public var db: String { job.state }
}
