import ArgumentParser
import Foundation
import OrderBatchCore

/// One invocation of `run`, `resume` or `retry`: its signal trap, installed before anything else so that every
/// phase has one, and its metrics file, written on every exit path.
///
/// ```swift
/// let invocation = RunInvocation(metricsPath: metrics, json: json, log: log)
/// try await invocation.perform {
///     let job = try CommandSupport.loadJob(path)
///     invocation.metrics.concern(job: job)
///     let outcome = try await RunSession.coordinator(invocation: invocation, json: json).run(request)
///     return RunSession.report(outcome, json: json, quiet: log.quiet)
/// }
/// ```
final class RunInvocation: Sendable {
    /// SIGINT, SIGTERM and SIGHUP for the whole invocation.
    let signals: SignalTrap
    /// The `--metrics` file.
    let metrics: MetricsRecorder
    /// `--quiet`: nothing on a success; on any other ending the lines held back, the summary and what to type.
    let quiet: Bool

    /// Sets up standard error's lines (``LogSink``: `--log-format`, stamped off a terminal, `--quiet`), then
    /// installs the signal trap (phase ``SignalTrap/Phase/preparing``).
    ///
    /// - Parameters:
    ///   - metricsPath: `--metrics`.
    ///   - json: `--json`: the summary as JSON, and no informational lines.
    ///   - log: `--quiet` and `--log-format`.
    ///   - runID: The run named on the command line (`resume`, `retry`), for the lines' run id.
    init(metricsPath: String?, json: Bool, log: LogOptions, runID: String? = nil) {
        LogSink.standardError.configure(format: log.logFormat, quiet: log.quiet)
        if let runID { LogSink.standardError.concern(runID: runID) }
        let metrics = MetricsRecorder(path: metricsPath)
        self.metrics = metrics
        self.quiet = log.quiet
        // Under `--quiet` the signal's "stopping" line is held like the others, and written with them when the
        // run ends stopped (exit 3).
        self.signals = SignalTrap(quiet: json) { metrics.write(exitCode: $0.rawValue) }
    }

    /// Runs `body`, writes the metrics with the exit code it ends with (its status, the status of the
    /// ``RunError`` it throws, printed here, or the code ArgumentParser gives any other error), closes the run's
    /// store, and exits with that code.
    ///
    /// - Throws: A ``RunError`` with no message (it was printed) for a status other than success, or what
    ///   `body` threw.
    func perform(_ body: () async throws -> ExitStatus) async throws {
        let status: ExitStatus
        do {
            status = try await body()
        } catch let error as RunError {
            // `--quiet`: the run did not succeed, so the lines that led here are written first.
            if error.status != .success { LogSink.standardError.releaseHeld() }
            // The one place a run's error is printed.
            if !error.message.isEmpty {
                CommandSupport.printError(
                    error.message, level: error.status == .success ? .info : .error,
                    fields: [("exit_code", .integer(Int(error.status.rawValue)))])
            }
            signals.enter(.finishing(error.status))
            metrics.write(exitCode: error.status.rawValue)
            try? metrics.store?.close()
            throw RunError(error.status, "")
        } catch {
            LogSink.standardError.releaseHeld()
            signals.enter(.finishing(ExitStatus(rawValue: OrderBatch.exitCode(for: error).rawValue) ?? .stoppedEarly))
            metrics.write(exitCode: OrderBatch.exitCode(for: error).rawValue)
            try? metrics.store?.close()
            throw error
        }
        if status != .success { LogSink.standardError.releaseHeld() }
        signals.enter(.finishing(status))
        metrics.write(exitCode: status.rawValue)
        try? metrics.store?.close()
        if status != .success { throw RunError(status, "") }
    }
}
