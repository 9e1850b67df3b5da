import Foundation
import OrderBatchCore

/// A ``RunCoordinator``'s observer for one invocation: phases go to its ``SignalTrap``, notes to standard
/// error, the run and its requests to its ``MetricsRecorder``, progress to a ``ProgressReporter``.
struct InvocationObserver: RunObserver {
    let invocation: RunInvocation
    let reporter = ProgressReporter()

    init(_ invocation: RunInvocation) { self.invocation = invocation }

    var stop: StopFlag { invocation.signals.stop }
    var signalReceived: String? { invocation.signals.received }

    func enter(_ phase: RunPhase) {
        switch phase {
        case .recording(let runID, let resume): invocation.signals.enter(.recording(runID: runID, resume: resume))
        case .executing(let resume): invocation.signals.enter(.executing(resume: resume))
        case .finishing(let status): invocation.signals.enter(.finishing(status))
        }
    }

    func note(_ line: String) { CommandSupport.printError(line, level: .info) }
    func warn(_ line: String) { CommandSupport.printError(line, level: .warning) }
    func concern(job: Job) { invocation.metrics.concern(job: job) }
    func concern(runID: String, store: any RunStore) {
        LogSink.standardError.concern(runID: runID)
        invocation.metrics.concern(runID: runID, store: store)
    }
    func sent(_ counters: ExecutorCounters, elapsedSeconds: Double) {
        invocation.metrics.record(counters, elapsedSeconds: elapsedSeconds)
    }
    // `--quiet`: no progress at all (a run that fails says what it needs to in its summary).
    func progress(_ snapshot: ProgressSnapshot) { if !invocation.quiet { reporter.update(snapshot) } }
    func progressFinished(_ snapshot: ProgressSnapshot) { if !invocation.quiet { reporter.finish(snapshot) } }
}
