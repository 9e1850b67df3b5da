/// What `run` asks of a ``RunCoordinator``: the parsed job, the input, the database and the options.
public struct NewRunRequest: Sendable {
    /// The job as parsed (its `state` is the default database).
    public var job: Job
    public var inputPath: String
    /// The input as messages name it (`<stdin>`); nil for ``inputPath``.
    public var displayPath: String?
    /// Standard input or a pipe, copied: kept beside the database (``spoolDirectory``) once the input is valid.
    public var spool: InputSpool?
    /// Where ``spool`` is kept.
    public var spoolDirectory: String?
    public var format: InputFormat
    /// The state database (`--db`, else the job's `state`).
    public var db: String
    /// `--run-id`, or a generated one.
    public var runID: String
    /// Recorded with the run; `skipInvalid` and `input` among them.
    public var overrides: RunOverrides
    /// `--dry-run`: validate, then return the plan.
    public var dryRun: Bool
    /// `--allow-rerun`: start a new run even if this input already has one.
    public var allowRerun: Bool
    /// `--supersede`: close the job's unfinished older runs instead of refusing.
    public var supersede: Bool

    public init(
        job: Job, inputPath: String, format: InputFormat, db: String, runID: String,
        overrides: RunOverrides = RunOverrides(), dryRun: Bool = false, allowRerun: Bool = false,
        supersede: Bool = false
    ) {
        self.job = job
        self.inputPath = inputPath
        self.format = format
        self.db = db
        self.runID = runID
        self.overrides = overrides
        self.dryRun = dryRun
        self.allowRerun = allowRerun
        self.supersede = supersede
    }

    var skipInvalid: Bool { overrides.skipInvalid ?? false }
}
