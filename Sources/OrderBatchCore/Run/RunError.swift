import Foundation

/// An error that ends a command: the exit status it maps to and the message the operator reads
/// (what happened and what to do), printed once on standard error by the command's top level.
///
/// Thrown from Core (``RunCoordinator``, ``StoredRun``, ``DatabaseCheck``, ``InputRecording``) and
/// by the commands, instead of printing a message and throwing a bare exit code.
///
/// ```swift
/// throw RunError(.usage, "orderbatch: no state database at \(path); check --db")
/// ```
public struct RunError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The process's exit status.
    public var status: ExitStatus
    /// The text printed on standard error, as it is printed (may hold several lines, without the last
    /// newline; empty when the error was already reported, as for a reader of standard output gone away).
    public var message: String

    /// An error exiting with `status` after printing `message`.
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    // MARK: - Common errors

    /// A usage, job-file or database error: exit 64.
    public static func usage(_ message: String) -> RunError { RunError(.usage, message) }

    /// Invalid input, or a run that never started or was closed: exit 2.
    public static func invalidInput(_ message: String) -> RunError { RunError(.invalidInput, message) }

    /// The run stopped early, or was refused and can go on: exit 3.
    public static func stoppedEarly(_ message: String) -> RunError { RunError(.stoppedEarly, message) }

    /// The state database cannot be trusted: exit 74.
    public static func stateLost(_ message: String) -> RunError { RunError(.stateLost, message) }

    /// Another process holds the job or run: exit 75.
    public static func busy(_ message: String) -> RunError { RunError(.busy, message) }
}
