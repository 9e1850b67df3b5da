/// How a run ended, as the exit status `run` would have given it: what `status --watch` exits with once no
/// process is at work on the run any more.
public enum RunEnding {
    /// The exit status of a run no process is working on, or nil while one is (a live lease on a run
    /// `ingesting`, `ready` or `running`).
    ///
    /// - Parameters:
    ///   - state: The run's state.
    ///   - counts: Its rows by state.
    ///   - processIsLive: Whether a live process holds the run's lease.
    /// - Returns: 0 finished with every row succeeded; 1 finished with rows failed, skipped or invalid; 2 never
    ///   started (`failed_ingest`) or canceled (it sends nothing more); 3 stopped, or left by a process that
    ///   died (resumable); nil while a process is at work.
    public static func status(state: RunState, counts: RunCounts, processIsLive: Bool) -> ExitStatus? {
        switch state {
        case .finished:
            return counts.failed + counts.skipped + counts.invalid > 0 ? .rowsFailed : .success
        case .failedIngest, .canceled:
            return .invalidInput
        case .stopped:
            return .stoppedEarly
        case .ingesting, .ready, .running:
            return processIsLive ? nil : .stoppedEarly
        }
    }
}
