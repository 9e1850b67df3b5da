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
///     …
///     return status
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

    /// Runs `body`, writes the metrics with the exit code it ends with (its status, the code it throws, or the
    /// code ArgumentParser gives any other error), closes the run's store, and exits with that code.
    ///
    /// - Throws: `ExitCode` for a status other than success, or what `body` threw.
    func perform(_ body: () async throws -> ExitStatus) async throws {
        let status: ExitStatus
        do {
            status = try await body()
        } catch {
            signals.enter(.finishing(ExitStatus(rawValue: OrderBatch.exitCode(for: error).rawValue) ?? .stoppedEarly))
            metrics.write(exitCode: OrderBatch.exitCode(for: error).rawValue)
            try? metrics.store?.close()
            throw error
        }
        signals.enter(.finishing(status))
        metrics.write(exitCode: status.rawValue)
        try? metrics.store?.close()
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// The `resume` command line for `runID` in the database `db`.
    static func resumeCommand(runID: String, db: String) -> String {
        "orderbatch resume \(ShellWord.quote(runID)) --db \(ShellWord.quote(db))"
    }

    /// Exit 3 when a signal asked to stop while the run's lease was taken or its rows were being recorded
    /// (between two rows, or after the last one), with a line saying what is left and what to type. The run
    /// keeps its state: none yet (nothing recorded: run the same command again), `ingesting` (rows partly
    /// recorded; `resume` records them all again), or any other (`resume` goes on with it).
    ///
    /// - Parameter lease: Releases the lease, so that `resume` can start at once.
    func stopIfSignalled(runID: String, store: some RunStore, db: String, releasing lease: () -> Void) throws {
        guard let name = signals.received else { return }
        lease()
        let resume = Self.resumeCommand(runID: runID, db: db)
        let what: String
        switch (try? store.run(id: runID))?.state {
        case nil:
            what = "stopped before anything was recorded or sent; run the same command again"
        case .ingesting?:
            let recorded = (try? store.counts(runID: runID))?.total ?? 0
            what = "run \(runID) is left recording its input (\(recorded) rows recorded so far, state ingesting); "
                + "nothing was sent. Record it again and send it: \(resume)"
        case .ready?:
            let recorded = (try? store.counts(runID: runID))?.total ?? 0
            what = "run \(runID) has all \(recorded) rows recorded; nothing was sent. Send it: \(resume)"
        case .some:
            what = "run \(runID): this invocation stopped before sending anything; continue it: \(resume)"
        }
        CommandSupport.printError("orderbatch: \(name): \(what)")
        throw ExitCode(ExitStatus.stoppedEarly.rawValue)
    }
}
