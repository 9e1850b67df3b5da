import Foundation

/// Fencing for one process's lease on a run: the moment, on this process's monotonic clock, until
/// which it may start requests.
///
/// Another process takes a run over once the holder's heartbeat is older than the lease's TTL (by
/// the wall clock). A process that was frozen (SIGSTOP, a paused VM, a laptop lid) cannot know how
/// long it slept except by its clock, so it must not trust its lease past a window well inside the
/// TTL since its last successful renewal: ``window`` is a third of the TTL. The driver renews the
/// lease in the store (which checks ownership) before starting a request past the window, and the
/// transport asks ``allowsStart()`` once more just before a request goes on the wire, so a process
/// frozen between the two cannot send on a stale lease either.
///
public final class LeaseFence: Sendable {
    /// How long a renewal lets requests start.
    public let window: Duration
    private let validUntil: Locked<ContinuousClock.Instant>

    /// A fence for a lease of `ttlSeconds`, open for one window from now (the lease was just taken).
    public init(ttlSeconds: Double) {
        window = .milliseconds(Int64(max(ttlSeconds, 0.3) * 1000 / 3))
        validUntil = Locked(ContinuousClock.now + window)
    }

    /// The lease was renewed in the store; `startedAt` is when the renewal began (not when it
    /// returned: the store may have been slow, and the window counts from the earlier moment).
    public func renewed(startedAt: ContinuousClock.Instant) {
        let window = self.window
        validUntil.withLock { $0 = startedAt + window }
    }

    /// The lease is lost: nothing starts any more.
    public func close() {
        validUntil.withLock { $0 = ContinuousClock.Instant.now - .seconds(1) }
    }

    /// Whether a request may start now.
    public func allowsStart() -> Bool {
        validUntil.withLock { ContinuousClock.now < $0 }
    }
}
