import Foundation

/// Which command an invocation of a run was.
public enum InvocationCommand: String, Sendable, Equatable, CaseIterable {
    case run, resume, retry
}

/// One invocation of `run`, `resume` or `retry` that took the run's lease to send it: when, which command, and
/// the pacing flags it was given (they apply to that invocation only; `status` shows them).
public struct InvocationRecord: Sendable, Equatable {
    /// The run it worked on.
    public var runID: String
    public var command: InvocationCommand
    /// When it took the run's lease and began.
    public var startedAt: Date
    /// The pacing flags given on its command line (only `concurrency`, `rate`, `maxFailures`, `deadline`
    /// are set; all nil when none was given).
    public var overrides: RunOverrides

    public init(runID: String, command: InvocationCommand, startedAt: Date, overrides: RunOverrides) {
        self.runID = runID
        self.command = command
        self.startedAt = startedAt
        self.overrides = overrides
    }
}
