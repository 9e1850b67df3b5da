import Foundation

/// A stop request raised from outside the run (a signal handler, a test): the driver polls it.
public final class StopFlag: Sendable {
    private let reason = Locked<ExecutorStateMachine.StopReason?>(nil)

    public init() {}

    /// Asks the run to stop; the first reason wins.
    public func raise(_ reason: ExecutorStateMachine.StopReason) {
        self.reason.withLock { if $0 == nil { $0 = reason } }
    }

    public var raised: ExecutorStateMachine.StopReason? { reason.withLock { $0 } }
}
