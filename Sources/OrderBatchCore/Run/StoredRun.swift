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
    /// The options recorded with the run, with this invocation's `--deadline` when given.
    public var overrides: RunOverrides

    /// The database's path.
    public var db: String { job.state }

    /// Opens the database at `path` (it must exist), checks it, and loads run `runID`, its job and its options.
    ///
    /// - Parameters:
    ///   - path: The state database (`--db`).
    ///   - runID: The run to load.
    ///   - deadline: `--deadline`, replacing the recorded deadline for this invocation.
    ///   - registry: The providers the recorded job may name (the coordinator's).
    /// - Returns: The open store, the run as recorded, its job with `state` set to `path`, and its options
    ///   with `deadline` applied.
    /// - Throws: ``RunError``: 64 for a missing database, an unknown run, a recorded job that no longer parses or
    ///   recorded options that cannot be read; 74 for a damaged database; 3 for a PostgreSQL server that does
    ///   not answer.
    public static func open(
        path: String, runID: String, deadline: String? = nil, registry: ProviderRegistry = .standard
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
        var overrides = try RunOverrides.recorded(with: run, db: path)
        if let deadline { overrides.deadline = deadline }
        return StoredRun(store: store, run: run, job: job, overrides: overrides)
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
