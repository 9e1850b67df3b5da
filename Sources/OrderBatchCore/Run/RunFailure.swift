import Foundation

/// An error that ended a run's execution, and what it means for the run, the exit code and the
/// operator.
///
/// | error | run state | exit |
/// |---|---|---|
/// | the lease was taken over (``RunStoreError/leaseLost(runID:)``) | left to the new holder | 75 |
/// | the database file went away or is damaged | not recorded (cannot be) | 74 |
/// | a full disk or an I/O error (`SQLITE_FULL`, `SQLITE_IOERR`) | `stopped` if it can still be written | 3 |
/// | the PostgreSQL server went away or refused a write | `stopped` if it can still be written | 3 |
/// | anything else | `stopped` | 3 |
///
/// In every case no request started after the error, and results not yet committed stay
/// uncommitted: their rows are `in_flight` in the store and `resume` reconciles them.
public struct RunFailure {
    public var error: any Error
    public var runID: String
    public var job: Job

    public init(error: any Error, runID: String, job: Job) {
        self.error = error
        self.runID = runID
        self.job = job
    }

    /// Records the stop where that is still right, and returns the error to end the command with: the
    /// message and the exit status.
    public func report(store: any RunStore) -> RunError {
        if let error = error as? RunStoreError, error.isLeaseLost {
            return .busy(
                "orderbatch: run \(runID): \(error). Nothing more was sent or recorded by this process; the rows it had "
                    + "claimed are reconciled by the process that holds the run now (`orderbatch status \(runID) "
                    + "--db \(ShellWord.quote(job.state))` shows it)")
        }
        if let error = error as? RunStoreError, error.isDatabaseLost {
            return .stateLost("orderbatch: run \(runID) stopped: \(error)")
        }
        if let error = error as? SQLiteError, error.isCorruption {
            return .stateLost(
                "orderbatch: run \(runID) stopped: the state database \(job.state) is damaged (\(error)); nothing more "
                    + "is sent. Keep a copy of the file, then try `sqlite3 \(ShellWord.quote(job.state)) .recover` "
                    + "into a new file")
        }
        let serverLost = (error as? PostgresError)?.isConnectionFailure == true
        let storage = (error as? SQLiteError)?.isStorageFailure == true || serverLost
        let why =
            serverLost
            ? "the PostgreSQL state database does not answer (\(error))"
            : storage ? "the state database could not be written (\(error))" : "an error: \(error)"
        let recorded = (try? store.setRunState(id: runID, .stopped, reason: "stopped by \(why)")) != nil
        var message = "orderbatch: run \(runID) stopped by \(why); nothing more is sent. "
        if storage, StateDatabase.isPostgres(job.state) {
            message += "Once the PostgreSQL server answers again, "
        } else if storage {
            message += "Free space or fix the disk under \(job.state), then "
        } else {
            message += "Then "
        }
        message += "resume it with `orderbatch resume \(runID) --db \(ShellWord.quote(job.state))`"
        if !recorded { message += " (the stop itself could not be recorded; resume works all the same)" }
        return .stoppedEarly(message)
    }
}
