import ArgumentParser
import Foundation
import OrderBatchCore

/// Options shared by `resume` and `retry`: which run, in which database.
struct StoredRunOptions: ParsableArguments {
    @Argument(help: "The run id (see `orderbatch status`).") var runID: String
    @Option(help: "SQLite state file.") var db: String?
    @Option(help: "Use this job file's `state` as the database.") var job: String?
    @Option(help: "Write Prometheus text-format metrics to this file on exit, whatever the exit code.") var metrics: String?
    @Flag(help: "Print the summary as JSON.") var json = false
    @Option(help: "Stop starting work after this long (e.g. 50m), exit 3; replaces the run's recorded deadline for this invocation; none for no deadline.")
    var deadline: String?

    func validate() throws {
        if db == nil && job == nil { throw ValidationError("give --db FILE or --job JOB to say where the run is recorded") }
    }

    /// Exits 2 for a `failed_ingest` run (it never started and never will) or a `canceled` one (closed for
    /// good: `doing`, "resume" or "retry", would send what it was closed to prevent).
    static func refuseIfNeverStarted(_ run: RunRecord, doing: String, db: String) throws {
        if run.state == .canceled {
            CommandSupport.printError(
                "orderbatch: run \(run.id) was canceled (\(run.stateReason ?? "closed for good")) and sends nothing more; "
                    + "nothing to \(doing). To send its rows left, start a new run with them "
                    + "(orderbatch report \(ShellWord.quote(run.id)) --db \(ShellWord.quote(db)) --state pending,unknown lists them)")
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        guard run.state == .failedIngest else { return }
        CommandSupport.printError(
            "orderbatch: run \(run.id) never started (\(run.stateReason ?? "its input was invalid")); nothing to \(doing)")
        throw ExitCode(ExitStatus.invalidInput.rawValue)
    }

    /// Opens the database and loads the run and the job it recorded, or exits 64.
    func load() throws -> (store: SQLiteRunStore, run: RunRecord, session: RunSession) {
        let path = try db ?? CommandSupport.loadJob(job ?? "").state
        guard FileManager.default.fileExists(atPath: path) else {
            CommandSupport.printError("orderbatch: no state database at \(path); check --db")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        let store: SQLiteRunStore
        do { store = try SQLiteRunStore(path: path) } catch {
            CommandSupport.printError("orderbatch: cannot open \(path): \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        try DatabaseCheck.requireSound(store, path: path)
        guard let run = try store.run(id: runID) else {
            CommandSupport.printError("orderbatch: no run \(runID) in \(path); `orderbatch status --db \(path)` lists the runs")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        var job: Job
        do {
            job = try JobParser.parse(text: run.jobText, path: run.jobPath)
        } catch {
            CommandSupport.printError("orderbatch: the job recorded with run \(runID) no longer parses: \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        job.state = path
        var overrides = (try? JSONDecoder().decode(RunSession.Overrides.self, from: Data(run.optionsJSON.utf8)))
            ?? RunSession.Overrides()
        if let deadline { overrides.deadline = deadline }
        return (store, run, RunSession(job: job, overrides: overrides, json: json))
    }
}
