import ArgumentParser
import Foundation
import OrderBatchCore

/// `--db FILE|URL` / `--job JOB`: which state database a read-only command (`status`, `report`) opens.
///
/// `--db` names the SQLite file, or a PostgreSQL database (`postgresql://USER@HOST:PORT/DB`), directly; `--job`
/// takes the job file's `state:` (a path resolved against the job's directory, or a URL). When both are given,
/// `--db` wins, as `--input` wins over a job's `input:`. One of them is required. The database must already
/// exist: a read-only command never creates an empty database (or PostgreSQL tables) where the operator
/// mistyped a path.
struct StoreSelection: ParsableArguments {
    /// The SQLite state file, or a PostgreSQL URL.
    @Option(
        help: ArgumentHelp(
            "The state database of the run(s): a SQLite file, or postgresql://USER@HOST:PORT/DB (no password: "
                + "PGPASSWORD or ~/.pgpass).", valueName: "file|url"))
    var db: String?

    /// A job file whose `state:` names the state file.
    @Option(help: ArgumentHelp("A job file; its `state:` file is used when --db is not given.", valueName: "job"))
    var job: String?

    func validate() throws {
        guard db != nil || job != nil else {
            throw ValidationError(
                "pass --db FILE|URL (the run's state database) or --job JOB (to use the job's `state:` database)")
        }
    }

    /// The database path: `--db`, else the job's `state:`. Throws ``RunError`` (64) on a job-file error.
    func path() throws -> String {
        if let db { return db }
        guard let job else { throw ValidationError("pass --db FILE or --job JOB") }
        return try CommandSupport.loadJob(job).state
    }

    /// Opens the existing database (see ``StateDatabase``).
    ///
    /// - Throws: ``RunError``: 64 when it is missing, holds no runs or cannot be opened, 74 when it is damaged.
    ///
    /// - Returns: The store and its location (for messages and the commands `status` suggests).
    func openExisting() throws -> (store: any RunStore, path: String) {
        let path = try path()
        return (try StateDatabase.open(path, purpose: .read), path)
    }

    /// The run `id`.
    ///
    /// - Throws: ``RunError/usage(_:)`` (exit 64) when there is none.
    static func requireRun(_ id: String, in store: some RunStore, path: String) throws -> RunRecord {
        if let run = try store.run(id: id) { return run }
        throw RunError.usage(
            "orderbatch: no run \(id) in \(path); `orderbatch status --db \(ShellWord.quote(path))` lists the recent runs"
        )
    }
}
