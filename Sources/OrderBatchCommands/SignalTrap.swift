import Dispatch
import Foundation
import OrderBatchCore

/// SIGINT/SIGTERM: the first stops dispatch (in-flight requests finish, results are committed,
/// exit 3); a second one exits 3 at once (rows in flight stay recorded as such, and `resume`
/// reconciles them).
final class SignalTrap: @unchecked Sendable {
    // @unchecked: sources are created once and only cancelled afterwards.
    private var sources: [any DispatchSourceSignal] = []

    init(stop: StopFlag, quiet: Bool) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if stop.raised != nil {
                    CommandSupport.printError("orderbatch: second signal: exiting now; `resume` will reconcile rows in flight")
                    exit(ExitStatus.stoppedEarly.rawValue)
                }
                stop.raise(.signal)
                if !quiet {
                    CommandSupport.printError("orderbatch: \(sig == SIGINT ? "SIGINT" : "SIGTERM"): stopping; waiting for requests in flight")
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
