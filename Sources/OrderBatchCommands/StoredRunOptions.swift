import ArgumentParser
import OrderBatchCore

/// Options shared by `resume` and `retry`: which run, in which database.
struct StoredRunOptions: ParsableArguments {
    @Argument(help: "The run id (see `orderbatch status`).") var runID: String
    @Option(
        help: ArgumentHelp(
            "The state database: a SQLite file, or postgresql://USER@HOST:PORT/DB (no password: PGPASSWORD or "
                + "~/.pgpass).", valueName: "file|url"))
    var db: String?
    @Option(help: "Use this job file's `state` as the database.") var job: String?
    @Option(help: "Write Prometheus text-format metrics to this file on exit, whatever the exit code.") var metrics:
        String?
    @Flag(help: "Print the summary as JSON.") var json = false
    @Option(
        help: ArgumentHelp(
            "Requests in flight at most, for this invocation (replaces the recorded value).", valueName: "n"))
    var concurrency: Int?
    @Option(
        help: ArgumentHelp(
            "Rate limit for this invocation: requests per second, windows such as 200/1m,1000/5m, or none.",
            valueName: "rate"))
    var rate: String?
    @Option(
        help: ArgumentHelp(
            "Stop when permanent failures pass N rows or N% of the run's rows (none: no limit), for this invocation (exit 3).",
            valueName: "limit"))
    var maxFailures: String?
    @Option(
        help:
            "Stop starting work after this long (e.g. 50m), exit 3; replaces the run's recorded deadline for this invocation; none for no deadline."
    )
    var deadline: String?

    func validate() throws {
        if db == nil && job == nil {
            throw ValidationError("give --db FILE|URL or --job JOB to say where the run is recorded")
        }
        if let c = concurrency, !(1...256).contains(c) {
            throw ValidationError("--concurrency must be from 1 to 256")
        }
    }

    /// This invocation's pacing flags.
    var pacing: RunOverrides {
        RunOverrides(concurrency: concurrency, rate: rate, deadline: deadline, maxFailures: maxFailures)
    }

    /// Opens the database (`--db`, else the job's `state:`) and loads the run, the job and the options it
    /// recorded, with this invocation's pacing flags in place of the recorded ones (see
    /// ``StoredRun/open(path:runID:pacing:jobFile:registry:)``).
    ///
    /// - Throws: ``RunError``: 64 for a job-file error, a missing database, an unknown run, a recorded job or
    ///   options that cannot be read, a pacing flag that does not parse; 74 for a damaged database.
    func load() throws -> StoredRun {
        let path = try db ?? CommandSupport.loadJob(job ?? "").state
        return try StoredRun.open(path: path, runID: runID, pacing: pacing, jobFile: job)
    }
}
