import Foundation

/// A run recorded in a state database, with the job and options it was started with: what `resume` and
/// `retry` continue from (the input file is not needed).
public struct StoredRun {
    /// The open state database.
    public var store: any RunStore
    /// The run as recorded.
    public var run: RunRecord
    /// The job recorded with the run, its `state` set to the database's path.
    public var job: Job
    /// The options recorded with the run, with this invocation's pacing flags in place of theirs.
    public var overrides: RunOverrides
    /// The options recorded with the run (`run`'s flags), as recorded.
    public var recordedOverrides: RunOverrides
    /// This invocation's pacing flags (`--concurrency`, `--rate`, `--max-failures`, `--deadline`).
    public var invocation: RunOverrides
    /// The job file as it is on disk now (`--job`, else the path recorded with the run), or nil when there is
    /// none to read: compared with the recorded job so that an edit is never ignored silently.
    public var jobFileOnDisk: PacingNote.JobFileText?
    /// The providers the recorded job may name (to read the job file on disk with).
    public var registry: ProviderRegistry = .standard

    /// The database's path.
    public var db: String { job.state }

    /// Opens the database at `path` (it must exist), checks it, and loads run `runID`, its job and its options.
    ///
    /// - Parameters:
    ///   - path: The state database (`--db`).
    ///   - runID: The run to load.
    ///   - pacing: This invocation's `--concurrency`, `--rate`, `--max-failures` and `--deadline`, replacing
    ///     the recorded ones for this invocation (other fields are ignored).
    ///   - jobFile: The job file the operator named (`--job`), compared with the recorded job; nil for the
    ///     path recorded with the run.
    ///   - registry: The providers the recorded job may name (the coordinator's).
    /// - Returns: The open store, the run as recorded, its job with `state` set to `path`, and its options
    ///   with `pacing` applied.
    /// - Throws: ``RunError``: 64 for a missing database, an unknown run, a recorded job that no longer parses,
    ///   recorded options that cannot be read or a pacing flag that does not parse; 74 for a damaged database;
    ///   3 for a PostgreSQL server that does not answer.
    public static func open(
        path: String, runID: String, pacing: RunOverrides = RunOverrides(), jobFile: String? = nil,
        registry: ProviderRegistry = .standard
    ) throws -> StoredRun {
        let store = try StateDatabase.open(path, purpose: .send)
        try DatabaseCheck.requireSound(store, path: path)
        guard let run = try store.run(id: runID) else {
            throw RunError.usage(
                "orderbatch: no run \(runID) in \(path); `orderbatch status --db \(ShellWord.quote(path))` lists the runs"
            )
        }
        var job: Job
        do {
            job = try JobParser.parse(text: run.jobText, path: run.jobPath, registry: registry)
        } catch {
            throw RunError.usage("orderbatch: the job recorded with run \(runID) no longer parses: \(error)")
        }
        job.state = path
        let recorded = try RunOverrides.recorded(with: run, db: path)
        let overrides = recorded.replacingPacing(with: pacing.pacing)
        // A flag that does not parse stops here, before the lease is taken.
        _ = try overrides.applied(to: job)
        return StoredRun(
            store: store, run: run, job: job, overrides: overrides, recordedOverrides: recorded,
            invocation: pacing.pacing, jobFileOnDisk: Self.readJobFile(jobFile ?? run.jobPath), registry: registry)
    }

    /// Opens run `runID` with `deadline` (`--deadline`) replacing its recorded deadline; see
    /// ``open(path:runID:pacing:jobFile:registry:)``.
    public static func open(
        path: String, runID: String, deadline: String?, registry: ProviderRegistry = .standard
    ) throws -> StoredRun {
        try open(path: path, runID: runID, pacing: RunOverrides(deadline: deadline), registry: registry)
    }

    /// The text of the job file at `path`, or nil when it is missing, a directory or unreadable (the run
    /// never needs it: only the recorded job is used).
    static func readJobFile(_ path: String) -> PacingNote.JobFileText? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { return nil }
        return PacingNote.JobFileText(path: path, text: text)
    }

    /// What this invocation says about its pace (see ``PacingNote``).
    public func pacingNote(_ command: InvocationCommand) throws -> PacingNote {
        PacingNote(
            command: command, runID: run.id, recorded: try recordedOverrides.applied(to: job), invocation: invocation,
            onDisk: jobFileOnDisk, registry: registry)
    }

    /// Refuses a `failed_ingest` run (it never started and never will) or a `canceled` one (closed for good:
    /// `doing`, "resume" or "retry", would send what it was closed to prevent).
    ///
    /// - Throws: ``RunError/invalidInput(_:)`` (exit 2) saying why.
    public func refuseIfNeverStarted(doing: String) throws(RunError) {
        if run.state == .canceled {
            throw .invalidInput(
                "orderbatch: run \(run.id) was canceled (\(run.stateReason ?? "closed for good")) and sends nothing more; "
                    + "nothing to \(doing). To send its rows left, start a new run with them "
                    + "(orderbatch report \(ShellWord.quote(run.id)) --db \(ShellWord.quote(db)) --state pending,unknown lists them)"
            )
        }
        guard run.state == .failedIngest else { return }
        throw .invalidInput(
            "orderbatch: run \(run.id) never started (\(run.stateReason ?? "its input was invalid")); nothing to \(doing)"
        )
    }
}
