/// orderbatch's exit codes: an interface cron lines and scripts depend on. Never renumber.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Every row succeeded (for `validate`: every row is valid).
    case success = 0
    /// The run finished and some rows failed or were skipped.
    case rowsFailed = 1
    /// `report`, `validate`, `run --dry-run`: the output could not be written (the reader of a pipe went
    /// away, a full disk); it is incomplete. Same number as ``rowsFailed``: the commands never share it.
    public static let outputFailed = ExitStatus.rowsFailed
    /// The input has invalid rows and nothing was sent.
    case invalidInput = 2
    /// The run stopped early (deadline, signal, circuit breaker, failure limit); `resume` continues it.
    case stoppedEarly = 3
    /// Usage, job-file or missing-credential error: fix the command line, the job or the environment.
    case usage = 64
    /// The state database was deleted, replaced or found damaged (`PRAGMA quick_check`, `SQLITE_CORRUPT`):
    /// what it says cannot be trusted, so the run is not resumable from it as it is (`EX_IOERR`).
    case stateLost = 74
    /// Another process is executing this run or job.
    case busy = 75
}
