/// Where a run stands, for what a signal does (the command's signal trap maps each phase onto its own).
public enum RunPhase: Sendable, Equatable {
    /// Taking the lease and writing the run's rows: the coordinator polls ``RunObserver/stop``.
    case recording(runID: String, resume: String)
    /// Sending: the driver polls ``RunObserver/stop``.
    case executing(resume: String)
    /// The run has ended with this status; the summary and metrics are being written.
    case finishing(ExitStatus)
}

/// What a ``RunCoordinator`` tells the world outside Core as a run goes: the phase (for signals), lines for
/// standard error, the run the invocation concerns and its progress (for the metrics file and the progress
/// line). It also carries the stop request a signal raises.
///
/// The command layer implements it over its signal trap, metrics recorder and progress reporter; tests
/// implement it to collect what the coordinator says.
public protocol RunObserver: Sendable {
    /// Raised to stop (a signal): the recording stops between two rows, the driver stops dispatching.
    var stop: StopFlag { get }
    /// The name of the first signal received (`SIGTERM`), or nil.
    var signalReceived: String? { get }
    /// The run moved to `phase`.
    func enter(_ phase: RunPhase)
    /// A line for the operator on standard error (its text as printed, without the newline).
    func note(_ line: String)
    /// A warning for the operator on standard error: something they may not expect (a job file that
    /// differs from the recorded one), written even with `--json`.
    func warn(_ line: String)
    /// The invocation concerns `job` (metrics are labelled with it from now on).
    func concern(job: Job)
    /// The invocation concerns run `runID` in `store` (the run created, resumed, retried, or pointed at).
    func concern(runID: String, store: any RunStore)
    /// The requests sent so far and the seconds spent sending (during the run and at its end).
    func sent(_ counters: ExecutorCounters, elapsedSeconds: Double)
    /// The run's progress, as often as the driver reports.
    func progress(_ snapshot: ProgressSnapshot)
    /// The run's final progress.
    func progressFinished(_ snapshot: ProgressSnapshot)
}

extension RunObserver {
    /// A warning written as a note, for observers that make no difference.
    public func warn(_ line: String) { note(line) }
}
