import Foundation
import OrderBatchCore

/// A ``RunObserver`` that keeps what the coordinator says, and can play a signal arriving as the run
/// starts sending.
final class RecordingRunObserver: RunObserver, @unchecked Sendable {
    // @unchecked: every field is touched under `lock`.
    let stop = StopFlag()
    private let lock = NSLock()
    private var phasesSeen: [RunPhase] = []
    private var notesSeen: [String] = []
    private var signal: String?
    /// Raise ``stop`` (as SIGTERM) when the run enters ``RunPhase/executing(resume:)``.
    private let signalWhenExecuting: Bool

    init(signalWhenExecuting: Bool = false) { self.signalWhenExecuting = signalWhenExecuting }

    var phases: [RunPhase] { lock.withLock { phasesSeen } }
    var notes: [String] { lock.withLock { notesSeen } }
    var signalReceived: String? { lock.withLock { signal } }

    func enter(_ phase: RunPhase) {
        lock.withLock { phasesSeen.append(phase) }
        // The driver sees the raised flag; the name is left unset so the coordinator does not take it for a
        // signal that arrived before sending.
        if signalWhenExecuting, case .executing = phase { stop.raise(.signal) }
    }

    func note(_ line: String) { lock.withLock { notesSeen.append(line) } }
    func concern(job: Job) {}
    func concern(runID: String, store: any RunStore) {}
    func sent(_ counters: ExecutorCounters, elapsedSeconds: Double) {}
    func progress(_ snapshot: ProgressSnapshot) {}
    func progressFinished(_ snapshot: ProgressSnapshot) {}
}
