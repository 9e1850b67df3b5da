import Dispatch
import Foundation
import OrderBatchCore

/// SIGINT, SIGTERM and SIGHUP (a dropped ssh session) for `run`, `resume` and `retry`, from the first line of
/// the command to its exit. What a signal does depends on the phase the command is in; every way ends with
/// exit 3 (or, once the run has ended, the run's own code) and a line on standard error saying what is left
/// and what to type:
///
/// | phase | first signal | second signal |
/// |---|---|---|
/// | ``Phase/preparing`` (validation, checks: nothing recorded) | exit 3 at once: run the same command again | — |
/// | ``Phase/recording(runID:resume:)`` (rows being written) | stop at the next row, exit 3: `resume` records it again | exit 3 at once |
/// | ``Phase/executing(resume:)`` | stop dispatch, wait for requests in flight, exit 3: `resume` | exit 3 at once; `resume` reconciles |
/// | ``Phase/finishing(_:)`` (the run has ended) | a line; the run's code | exit with the run's code at once |
///
/// The signals are ignored at the process level and delivered through dispatch sources, so none kills the
/// process. `beforeExit` runs before every immediate exit (it writes the metrics file).
final class SignalTrap: @unchecked Sendable {
    // @unchecked: `phase` and `first` are only touched under `lock`; sources are created once.

    /// Where the command is, for what a signal does.
    enum Phase: Sendable {
        /// Validating, hashing, checking: nothing is recorded yet, so a signal exits at once.
        case preparing
        /// Taking the lease and writing the run's rows: the command polls ``SignalTrap/stop``.
        case recording(runID: String, resume: String)
        /// Sending: the driver polls ``SignalTrap/stop``.
        case executing(resume: String)
        /// The run has ended with this status; the summary and metrics are being written.
        case finishing(ExitStatus)
    }

    /// The signals handled: each is a request to stop.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Raised by the first signal in the recording and executing phases.
    let stop = StopFlag()
    private let quiet: Bool
    private let beforeExit: @Sendable (ExitStatus) -> Void
    private let lock = NSLock()
    private var phase = Phase.preparing
    private var first: Int32?
    private var sources: [any DispatchSourceSignal] = []

    /// Installs the trap, in ``Phase/preparing``.
    ///
    /// - Parameters:
    ///   - quiet: Leave out the "stopping; waiting for requests in flight" line (`--json`).
    ///   - beforeExit: Called with the exit status before the process exits from a signal handler.
    init(quiet: Bool, beforeExit: @escaping @Sendable (ExitStatus) -> Void) {
        self.quiet = quiet
        self.beforeExit = beforeExit
        for sig in Self.signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in self.handle(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// Moves to `phase`. Entering a phase that records waits for a signal being handled in ``Phase/preparing``
    /// to exit, so nothing is recorded after a signal told the operator nothing was.
    func enter(_ phase: Phase) {
        lock.withLock { self.phase = phase }
    }

    /// The name of the first signal received (`SIGTERM`), or nil.
    var received: String? { lock.withLock { first.map(Self.name) } }

    /// `SIGINT`, `SIGTERM`, `SIGHUP`.
    static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(sig)"
        }
    }

    private func handle(_ sig: Int32) {
        lock.lock()
        let isFirst = first == nil
        if isFirst { first = sig }
        let name = Self.name(sig)
        switch phase {
        case .preparing:
            // The lock stays held: the command cannot start recording while this exits.
            exitNow(.stoppedEarly, "orderbatch: \(name): stopped before anything was recorded or sent; run the same command again")
        case .recording(let runID, let resume):
            guard isFirst else {
                exitNow(.stoppedEarly, "orderbatch: second signal: exiting now; run \(runID) is left recording its input "
                    + "(state ingesting) and sent nothing; record it again and send it: \(resume)")
            }
            lock.unlock()
            stop.raise(.signal)
            CommandSupport.printError("orderbatch: \(name): stopping the recording of run \(runID); nothing has been sent")
        case .executing(let resume):
            guard isFirst else {
                exitNow(.stoppedEarly, "orderbatch: second signal: exiting now; `resume` will reconcile rows in flight: \(resume)")
            }
            lock.unlock()
            stop.raise(.signal)
            if !quiet { CommandSupport.printError("orderbatch: \(name): stopping; waiting for requests in flight") }
        case .finishing(let status):
            guard isFirst else {
                exitNow(status, "orderbatch: second signal: exiting now with the run's exit code \(status.rawValue); its outcome is recorded")
            }
            lock.unlock()
            CommandSupport.printError("orderbatch: \(name): the run has already ended; finishing its summary")
        }
    }

    private func exitNow(_ status: ExitStatus, _ message: String) -> Never {
        CommandSupport.printError(message)
        beforeExit(status)
        exit(status.rawValue)
    }
}
