import ArgumentParser
import Foundation
import OrderBatchCore

/// One invocation of `run`, `resume` or `retry`: its signal trap, installed before anything else so that every
/// phase has one, and its metrics file, written on every exit path.
///
/// ```swift
/// let invocation = RunInvocation(metricsPath: metrics, quiet: json)
/// try await invocation.perform {
///     let job = try CommandSupport.loadJob(path)
///     invocation.metrics.concern(job: job)
///     let outcome = try await RunSession.coordinator(invocation: invocation, json: json).run(request)
///     return RunSession.report(outcome, json: json)
/// }
/// ```
final class RunInvocation: Sendable {
    /// SIGINT, SIGTERM and SIGHUP for the whole invocation.
    let signals: SignalTrap
    /// The `--metrics` file.
    let metrics: MetricsRecorder

    /// Installs the signal trap (phase ``SignalTrap/Phase/preparing``).
    init(metricsPath: String?, quiet: Bool) {
        let metrics = MetricsRecorder(path: metricsPath)
        self.metrics = metrics
        self.signals = SignalTrap(quiet: quiet) { metrics.write(exitCode: $0.rawValue) }
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
            // The one place a run's error is printed.
            if !error.message.isEmpty { CommandSupport.printError(error.message) }
            signals.enter(.finishing(error.status))
            metrics.write(exitCode: error.status.rawValue)
            try? metrics.store?.close()
            throw RunError(error.status, "")
        } catch {
            signals.enter(.finishing(ExitStatus(rawValue: OrderBatch.exitCode(for: error).rawValue) ?? .stoppedEarly))
            metrics.write(exitCode: OrderBatch.exitCode(for: error).rawValue)
            try? metrics.store?.close()
            throw error
        }
        signals.enter(.finishing(status))
        metrics.write(exitCode: status.rawValue)
        try? metrics.store?.close()
        if status != .success { throw RunError(status, "") }
    }
}
