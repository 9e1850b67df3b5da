import ArgumentParser
import Foundation
import OrderBatchCore

/// `--db FILE` / `--job JOB`: which state database a read-only command (`status`, `report`) opens.
///
/// `--db` names the SQLite file directly; `--job` takes the job file's `state:` path (resolved against the
/// job's directory). When both are given, `--db` wins, as `--input` wins over a job's `input:`. One of them is
/// required. The file must already exist: a read-only command never creates an empty database where the
/// operator mistyped a path.
struct StoreSelection: ParsableArguments {
    /// The SQLite state file.
    @Option(help: ArgumentHelp("The SQLite state file of the run(s).", valueName: "file"))
    var db: String?

    /// A job file whose `state:` names the state file.
    @Option(help: ArgumentHelp("A job file; its `state:` file is used when --db is not given.", valueName: "job"))
    var job: String?

    func validate() throws {
        guard db != nil || job != nil else {
            throw ValidationError(
                "pass --db FILE (the run's state database) or --job JOB (to use the job's `state:` file)")
        }
    }

    /// The database path: `--db`, else the job's `state:`. Throws ``RunError`` (64) on a job-file error.
    func path() throws -> String {
        if let db { return db }
        guard let job else { throw ValidationError("pass --db FILE or --job JOB") }
        return try CommandSupport.loadJob(job).state
    }

    /// Opens the existing database.
    ///
    /// - Throws: ``RunError``: 64 when it is missing or cannot be opened, 74 when it is damaged.
    ///
    /// - Returns: The store and its path (for messages and the commands `status` suggests).
    func openExisting() throws -> (store: SQLiteRunStore, path: String) {
        let path = try path()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            let hint = db != nil ? "check --db" : "check the job's `state:` or pass --db"
            throw RunError.usage(
                "orderbatch: \(path): no such state database; \(hint) (it is created by `orderbatch run`)")
        }
        let store: SQLiteRunStore
        do {
            store = try SQLiteRunStore(path: path)
        } catch let error as SQLiteError where error.isCorruption {
            throw RunError.stateLost("orderbatch: \(RunStoreError.damaged(path: path, problems: [error.description]))")
        } catch {
            throw RunError.usage("orderbatch: \(path): cannot open the state database: \(error)")
        }
        return (store, path)
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
