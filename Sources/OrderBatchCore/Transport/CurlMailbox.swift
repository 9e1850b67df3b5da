import Foundation
internal import CCurl

/// The only state shared between calling tasks and the transfer thread: submitted requests,
/// cancellations, the shutdown flag, and the multi handle to wake.
///
/// Callers post under the lock and then call `curl_multi_wakeup` (thread-safe by libcurl's
/// contract) so a thread blocked in `curl_multi_poll` returns at once. The thread drains the
/// mailbox at the top of each loop iteration with ``take()``.
///
/// `@unchecked Sendable`: every stored property is read and written only while `lock` is held,
/// and the multi handle is used here only for `curl_multi_wakeup`, never after the transfer
/// thread has detached it (``detach()``), which happens before `curl_multi_cleanup`.
final class CurlMailbox: @unchecked Sendable {
    /// Where the transfer thread is in its life.
    enum Phase {
        case running
        /// ``CurlTransport/shutdown()`` was requested; no new submission is accepted.
        case stopping
        /// The thread has freed every handle and exited.
        case stopped
    }

    /// What the transfer thread takes in one drain.
    struct Inbox {
        var submissions: [CurlSubmission] = []
        var cancellations: [UInt64] = []
        var isStopping = false
    }

    private let lock = NSLock()
    private var multi: UnsafeMutableRawPointer?
    private var phase = Phase.running
    private var submissions: [CurlSubmission] = []
    private var cancellations: [UInt64] = []
    private var lastID: UInt64 = 0
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a mailbox that wakes `multi`.
    init(multi: UnsafeMutableRawPointer) {
        self.multi = multi
    }

    private func withLock<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Interrupts `curl_multi_poll`; call with the lock held.
    private func wakeLocked() {
        if let multi { _ = curl_multi_wakeup(multi) }
    }

    /// Wakes the thread for a post into an empty mailbox only: a non-empty one has had its wakeup since
    /// the thread's last ``take()``, and that `take()` will collect this post too. Saves one
    /// `curl_multi_wakeup` (a `send` on libcurl's socket pair) per request in a burst.
    private func wakeIfFirstLocked(wasEmpty: Bool) {
        if wasEmpty { wakeLocked() }
    }

    // MARK: - Callers

    /// A fresh transfer id.
    func makeID() -> UInt64 {
        withLock {
            lastID += 1
            return lastID
        }
    }

    /// Posts `submission` for the transfer thread.
    ///
    /// - Returns: `false` when the transport is shutting down or shut down; the caller then
    ///   still owns the continuation and must resume it.
    func submit(_ submission: CurlSubmission) -> Bool {
        withLock {
            guard phase == .running else { return false }
            let wasEmpty = submissions.isEmpty && cancellations.isEmpty
            submissions.append(submission)
            wakeIfFirstLocked(wasEmpty: wasEmpty)
            return true
        }
    }

    /// Asks the transfer thread to abort transfer `id` (a no-op when it already finished; while
    /// stopping, the thread resolves every transfer anyway).
    func cancel(_ id: UInt64) {
        withLock {
            guard phase == .running else { return }
            let wasEmpty = submissions.isEmpty && cancellations.isEmpty
            cancellations.append(id)
            wakeIfFirstLocked(wasEmpty: wasEmpty)
        }
    }

    /// Asks the transfer thread to stop.
    ///
    /// - Returns: `true` for the first request, `false` when a shutdown was already requested.
    @discardableResult
    func requestShutdown() -> Bool {
        withLock {
            guard phase == .running else { return false }
            phase = .stopping
            wakeLocked()
            return true
        }
    }

    /// Whether ``requestShutdown()`` has been called.
    var isShutDownRequested: Bool { withLock { phase != .running } }

    /// Suspends until the transfer thread has freed every handle and exited.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = withLock {
                if phase == .stopped { return true }
                exitWaiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    // MARK: - Transfer thread

    /// Removes and returns everything posted since the last call.
    func take() -> Inbox {
        withLock {
            defer {
                submissions.removeAll(keepingCapacity: true)
                cancellations.removeAll(keepingCapacity: true)
            }
            return Inbox(submissions: submissions, cancellations: cancellations, isStopping: phase != .running)
        }
    }

    /// Forgets the multi handle: no wakeup touches it after this returns, so the transfer thread
    /// may clean it up.
    func detach() {
        withLock { multi = nil }
    }

    /// Marks the mailbox stopped (every handle is freed) and resumes everyone waiting in
    /// ``waitUntilStopped()``.
    func markStopped() {
        let waiters = withLock {
            multi = nil
            phase = .stopped
            defer { exitWaiters.removeAll() }
            return exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
