/// A state-store failure that is not a plain SQLite error: what happened and what to do.
public struct RunStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case schemaTooNew(path: String, found: Int, supported: Int)
        case notWAL(path: String, mode: String)
        case unknownRun(String)
        case duplicateRun(String)
        case staleResult(runID: String, seq: Int64, generation: Int)
        case invalidResultState(ItemState)
        case invalidNewItemState(ItemState)
        case corruptRow(runID: String, seq: Int64, detail: String)
        case notRetryable(ItemState)
        case notIngesting(runID: String, state: RunState)
        case leaseLost(runID: String)
        case databaseMoved(path: String)
        case damaged(path: String, problems: [String])
        case notOpen(runID: String, state: RunState)
        case noTables(location: String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The database was written by a newer orderbatch (schema version `found` > `supported`).
    public static func schemaTooNew(path: String, found: Int, supported: Int) -> RunStoreError {
        RunStoreError(.schemaTooNew(path: path, found: found, supported: supported))
    }

    /// The database could not be switched to WAL mode (e.g. a network file system).
    public static func notWAL(path: String, mode: String) -> RunStoreError {
        RunStoreError(.notWAL(path: path, mode: mode))
    }

    /// No run has this id.
    public static func unknownRun(_ id: String) -> RunStoreError { RunStoreError(.unknownRun(id)) }

    /// A run with this id already exists.
    public static func duplicateRun(_ id: String) -> RunStoreError { RunStoreError(.duplicateRun(id)) }

    /// A result names a row that does not exist or has moved on to another generation.
    public static func staleResult(runID: String, seq: Int64, generation: Int) -> RunStoreError {
        RunStoreError(.staleResult(runID: runID, seq: seq, generation: generation))
    }

    /// A result may not put a row in this state (``ItemState/invalid``).
    public static func invalidResultState(_ state: ItemState) -> RunStoreError {
        RunStoreError(.invalidResultState(state))
    }

    /// A new row must be pending or invalid.
    public static func invalidNewItemState(_ state: ItemState) -> RunStoreError {
        RunStoreError(.invalidNewItemState(state))
    }

    /// A stored row lacks something it must have (a pending row without payload).
    public static func corruptRow(runID: String, seq: Int64, detail: String) -> RunStoreError {
        RunStoreError(.corruptRow(runID: runID, seq: seq, detail: detail))
    }

    /// Rows in this state cannot be put in a retry generation.
    public static func notRetryable(_ state: ItemState) -> RunStoreError { RunStoreError(.notRetryable(state)) }

    /// Only a run still in ``RunState/ingesting`` can have its rows discarded.
    public static func notIngesting(runID: String, state: RunState) -> RunStoreError {
        RunStoreError(.notIngesting(runID: runID, state: state))
    }

    /// This process no longer holds the run's lease (another process took the run over while this
    /// one was frozen or cut off): it must send and record nothing more.
    public static func leaseLost(runID: String) -> RunStoreError { RunStoreError(.leaseLost(runID: runID)) }

    /// The database file at the store's path was deleted, moved or replaced since it was opened:
    /// what this process writes would be lost.
    public static func databaseMoved(path: String) -> RunStoreError { RunStoreError(.databaseMoved(path: path)) }

    /// The database is damaged: what `PRAGMA quick_check`, a consistency check or SQLite itself found.
    public static func damaged(path: String, problems: [String]) -> RunStoreError {
        RunStoreError(.damaged(path: path, problems: problems))
    }

    /// Whether this is ``leaseLost(runID:)``.
    public var isLeaseLost: Bool {
        if case .leaseLost = code { return true }
        return false
    }

    /// Whether the database itself is gone or damaged (``databaseMoved(path:)``, ``damaged(path:problems:)``):
    /// the run's state cannot be trusted from this file, so it is not resumable as is.
    public var isDatabaseLost: Bool {
        switch code {
        case .databaseMoved, .damaged: return true
        default: return false
        }
    }

    /// Only a run that may still send (ingesting, ready, running, stopped) can be canceled.
    public static func notOpen(runID: String, state: RunState) -> RunStoreError {
        RunStoreError(.notOpen(runID: runID, state: state))
    }

    /// The PostgreSQL database holds no orderbatch tables (a read-only command never creates them).
    public static func noTables(location: String) -> RunStoreError { RunStoreError(.noTables(location: location)) }

    public var description: String {
        switch code {
        case let .noTables(location):
            return "\(location) holds no orderbatch runs (no schema_version table in its schema); check --db or "
                + "the job's `state:` (the tables are created by `orderbatch run`)"
        case let .schemaTooNew(path, found, supported):
            return "the database \(path) has schema version \(found), but this orderbatch understands up to "
                + "version \(supported); use a newer orderbatch or another --db"
        case let .notWAL(path, mode):
            return "the database \(path) could not be put in WAL mode (journal mode is \(mode)); "
                + "keep it on a local file system"
        case let .unknownRun(id):
            return "no run with id \(id) in this database; `orderbatch status` lists recent runs"
        case let .duplicateRun(id):
            return "a run with id \(id) already exists; choose another --run-id"
        case let .staleResult(runID, seq, generation):
            return "internal error: a result for row \(seq) of run \(runID) generation \(generation) "
                + "matches no stored row of that generation"
        case let .invalidResultState(state):
            return "internal error: a result cannot put a row in state \(state)"
        case let .invalidNewItemState(state):
            return "internal error: a new row must be pending or invalid, not \(state)"
        case let .corruptRow(runID, seq, detail):
            return "row \(seq) of run \(runID) is damaged in the database: \(detail)"
        case let .notRetryable(state):
            return "rows in state \(state) cannot be retried; only failed and skipped rows can"
        case let .notIngesting(runID, state):
            return "internal error: run \(runID) is \(state); only the rows of a run still ingesting can be discarded"
        case let .leaseLost(runID):
            return "this process no longer holds the lease on run \(runID): another process took it over "
                + "(this one was frozen or cut off longer than the lease allows); it sends and records nothing more"
        case let .databaseMoved(path):
            return "the state database \(path) was deleted, moved or replaced while the run was using it; "
                + "nothing more is sent, because nothing more could be recorded. Restore the file from a backup "
                + "if there is one; otherwise the rows sent since it went are recorded nowhere: check them at "
                + "the provider before running the input again"
        case let .damaged(path, problems):
            let shown = problems.prefix(3).joined(separator: "; ")
            let more = problems.count > 3 ? " (and \(problems.count - 3) more)" : ""
            return "the state database \(path) is damaged (\(shown)\(more)); its counts "
                + "cannot be trusted. Keep a copy, then try `sqlite3 \(path) .recover` into a new file"
        case let .notOpen(runID, state):
            return
                "run \(runID) is \(state); only a run that may still send (ingesting, ready, running, stopped) can be canceled"
        }
    }
}
