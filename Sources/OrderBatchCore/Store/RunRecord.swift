import Foundation

/// What a run is created with: everything `resume` needs so it never reads the job or input file again.
///
/// Nothing here may hold a credential. The job file's text is stored as is, which is safe because job files
/// carry no secrets (credentials come from environment variables; the job parser refuses secret-looking keys).
public struct NewRun: Sendable, Equatable {
    /// The run id (unique; also part of every idempotency key).
    public var id: String
    /// The job's name, the unit of the per-job lease and of the re-run check.
    public var jobName: String
    /// The job file's path as given.
    public var jobPath: String
    /// The job file's YAML text.
    public var jobText: String
    /// The provider's name (`juspay`, `rapyd`).
    public var provider: String
    /// The input file's path as given.
    public var inputPath: String
    /// Lowercase hex SHA-256 of the input file's bytes.
    public var inputSHA256: String
    /// The options the run was started with, as a JSON object text.
    public var optionsJSON: String
    public var createdAt: Date

    public init(
        id: String, jobName: String, jobPath: String, jobText: String, provider: String, inputPath: String,
        inputSHA256: String, optionsJSON: String, createdAt: Date = Date()
    ) {
        self.id = id
        self.jobName = jobName
        self.jobPath = jobPath
        self.jobText = jobText
        self.provider = provider
        self.inputPath = inputPath
        self.inputSHA256 = inputSHA256
        self.optionsJSON = optionsJSON
        self.createdAt = createdAt
    }
}

/// A stored run: what it was created with, its state, and when it started and finished.
public struct RunRecord: Sendable, Equatable {
    public var id: String
    public var jobName: String
    public var jobPath: String
    public var jobText: String
    public var provider: String
    public var inputPath: String
    public var inputSHA256: String
    public var optionsJSON: String
    public var state: RunState
    /// Why it is in its state (for ``RunState/stopped``: "deadline", "signal SIGTERM", …), or nil.
    public var stateReason: String?
    public var createdAt: Date
    /// When it first entered ``RunState/running``.
    public var startedAt: Date?
    /// When it entered ``RunState/finished`` or ``RunState/failedIngest``.
    public var finishedAt: Date?
    /// When its state last changed.
    public var updatedAt: Date

    public init(
        id: String, jobName: String, jobPath: String, jobText: String, provider: String, inputPath: String,
        inputSHA256: String, optionsJSON: String, state: RunState, stateReason: String?, createdAt: Date,
        startedAt: Date?, finishedAt: Date?, updatedAt: Date
    ) {
        self.id = id
        self.jobName = jobName
        self.jobPath = jobPath
        self.jobText = jobText
        self.provider = provider
        self.inputPath = inputPath
        self.inputSHA256 = inputSHA256
        self.optionsJSON = optionsJSON
        self.state = state
        self.stateReason = stateReason
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.updatedAt = updatedAt
    }
}
