import Dispatch
import Foundation
import OrderBatchCore

/// SIGINT, SIGTERM and SIGHUP (a dropped ssh session): the project's one signal helper. `run`, `resume` and
/// `retry` hold one from the first line of the command to its exit; the `emulator` command holds one in
/// ``Phase/serving`` and waits in ``next()``. What a signal does depends on the phase the command is in; for
/// a run every way ends with exit 3 (or, once the run has ended, the run's own code) and a line on standard
/// error saying what is left and what to type:
///
/// | phase | first signal | second signal |
/// |---|---|---|
/// | ``Phase/preparing`` (validation, checks: nothing recorded) | exit 3 at once: run the same command again | — |
/// | ``Phase/recording(runID:resume:)`` (rows being written) | stop at the next row, exit 3: `resume` records it again | exit 3 at once |
/// | ``Phase/executing(resume:)`` | stop dispatch, wait for requests in flight, exit 3: `resume` | exit 3 at once; `resume` reconciles |
/// | ``Phase/finishing(_:)`` (the run has ended) | a line; the run's code | exit with the run's code at once |
/// | ``Phase/serving`` (the emulator) | ``next()`` returns it: shut down cleanly | exit 128 + signal at once |
///
/// The signals are ignored at the process level and delivered through dispatch sources, so none kills the
/// process. `beforeExit` runs before every immediate exit (it writes the metrics file).
final class SignalTrap: Sendable {

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
        /// A server running until a signal (the emulator): the first wakes ``SignalTrap/next()``.
        case serving
    }

    /// What the handler and the command share.
    private struct State {
        var phase: Phase
        /// The first signal received.
        var first: Int32?
        /// ``Phase/serving``: the first signal, until ``SignalTrap/next()`` takes it.
        var undelivered: Int32?
        /// ``Phase/serving``: a caller of ``SignalTrap/next()`` waiting for the first signal.
        var waiter: CheckedContinuation<Int32, Never>?
    }

    /// The signals handled: each is a request to stop.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Raised by the first signal in the recording and executing phases.
    let stop = StopFlag()
    private let quiet: Bool
    private let beforeExit: @Sendable (ExitStatus) -> Void
    private let state: Locked<State>
    /// Kept so the sources live as long as the trap; set once, in `init`.
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    /// Installs the trap.
    ///
    /// - Parameters:
    ///   - phase: The phase it starts in: ``Phase/preparing`` for a run, ``Phase/serving`` for a server.
    ///   - quiet: Leave out the "stopping; waiting for requests in flight" line (`--json`).
    ///   - beforeExit: Called with the exit status before the process exits from a signal handler.
    init(phase: Phase = .preparing, quiet: Bool, beforeExit: @escaping @Sendable (ExitStatus) -> Void = { _ in }) {
        self.quiet = quiet
        self.beforeExit = beforeExit
        self.state = Locked(State(phase: phase))
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
        state.withLock { $0.phase = phase }
    }

    /// The name of the first signal received (`SIGTERM`), or nil.
    var received: String? { state.withLock { $0.first.map(Self.name) } }

    /// In ``Phase/serving``: waits for the first signal and returns its number (at once when it already came).
    func next() async -> Int32 {
        await withCheckedContinuation { continuation in
            let ready: Int32? = state.withLock { state in
                if let pending = state.undelivered {
                    state.undelivered = nil
                    return pending
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// `SIGINT`, `SIGTERM`, `SIGHUP`.
    static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(sig)"
        }
    }

    /// What the handler does once the lock is released.
    private enum Reaction {
        case stopRecording(runID: String)
        case stopExecuting
        case ended
        case wake(CheckedContinuation<Int32, Never>?)
    }

    private func handle(_ sig: Int32) {
        let name = Self.name(sig)
        // Every immediate exit happens inside the lock, which then stays held: the command cannot start
        // recording (``enter(_:)``) while the process exits.
        let reaction: Reaction = state.withLock { state in
            let isFirst = state.first == nil
            if isFirst { state.first = sig }
            switch state.phase {
            case .preparing:
                exitNow(
                    .stoppedEarly,
                    "orderbatch: \(name): stopped before anything was recorded or sent; run the same command again")
            case .recording(let runID, let resume):
                guard isFirst else {
                    exitNow(
                        .stoppedEarly,
                        "orderbatch: second signal: exiting now; run \(runID) is left recording its input "
                            + "(state ingesting) and sent nothing; record it again and send it: \(resume)")
                }
                return .stopRecording(runID: runID)
            case .executing(let resume):
                guard isFirst else {
                    exitNow(
                        .stoppedEarly,
                        "orderbatch: second signal: exiting now; `resume` will reconcile rows in flight: \(resume)")
                }
                return .stopExecuting
            case .finishing(let status):
                guard isFirst else {
                    exitNow(
                        status,
                        "orderbatch: second signal: exiting now with the run's exit code \(status.rawValue); its outcome is recorded"
                    )
                }
                return .ended
            case .serving:
                // An impatient second signal exits at once, with the shell's code for it.
                guard isFirst else { exit(128 + sig) }
                let waiter = state.waiter
                state.waiter = nil
                if waiter == nil { state.undelivered = sig }
                return .wake(waiter)
            }
        }
        switch reaction {
        case .stopRecording(let runID):
            stop.raise(.signal)
            CommandSupport.printError(
                "orderbatch: \(name): stopping the recording of run \(runID); nothing has been sent", level: .warning)
        case .stopExecuting:
            stop.raise(.signal)
            if !quiet {
                CommandSupport.printError(
                    "orderbatch: \(name): stopping; waiting for requests in flight", level: .warning)
            }
        case .ended:
            CommandSupport.printError(
                "orderbatch: \(name): the run has already ended; finishing its summary", level: .warning)
        case .wake(let waiter):
            waiter?.resume(returning: sig)
        }
    }

    private func exitNow(_ status: ExitStatus, _ message: String) -> Never {
        LogSink.standardError.releaseHeld()
        CommandSupport.printError(message, fields: [("exit_code", .integer(Int(status.rawValue)))])
        beforeExit(status)
        exit(status.rawValue)
    }
}
