import Foundation

/// A stop request raised from outside the run (a signal handler, a test): the driver polls it.
public final class StopFlag: @unchecked Sendable {
    // @unchecked: the one field is only touched under `lock`.
    private let lock = NSLock()
    private var reason: ExecutorStateMachine.StopReason?

    public init() {}

    /// Asks the run to stop; the first reason wins.
    public func raise(_ reason: ExecutorStateMachine.StopReason) {
        lock.lock()
        if self.reason == nil { self.reason = reason }
        lock.unlock()
    }

    public var raised: ExecutorStateMachine.StopReason? {
        lock.lock()
        defer { lock.unlock() }
        return reason
    }
}
