import Foundation

/// The only state shared between calling tasks and the transfer thread: submitted requests,
/// cancellations, the shutdown flag, and the multi handle to wake.
///
/// Callers post under the lock and then call `curl_multi_wakeup` (thread-safe by libcurl's
/// contract) so a thread blocked in `curl_multi_poll` returns at once. The thread drains the
/// mailbox at the top of each loop iteration with ``take()``.
///
/// Sendable: the state lives in a ``Locked``, and the multi handle is used here only for
/// `curl_multi_wakeup`; the mailbox lets go of it when the transfer thread detaches it
/// (``detach()``), so its last owner frees it (``CurlMulti``).
final class CurlMailbox: Sendable {
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

    /// Everything the lock guards.
    private struct State {
        var multi: CurlMulti?
        var phase = Phase.running
        var submissions: [CurlSubmission] = []
        var cancellations: [UInt64] = []
        var lastID: UInt64 = 0
        var exitWaiters: [CheckedContinuation<Void, Never>] = []

        /// Interrupts `curl_multi_poll`.
        func wake() {
            multi?.wakeup()
        }

        /// Wakes the thread for a post into an empty mailbox only: a non-empty one has had its wakeup since
        /// the thread's last ``CurlMailbox/take()``, and that `take()` will collect this post too. Saves one
        /// `curl_multi_wakeup` (a `send` on libcurl's socket pair) per request in a burst.
        func wakeIfFirst(wasEmpty: Bool) {
            if wasEmpty { wake() }
        }
    }

    private let state: Locked<State>

    /// Creates a mailbox that wakes `multi`.
    init(multi: CurlMulti) {
        state = Locked(State(multi: multi))
    }

    // MARK: - Callers

    /// A fresh transfer id.
    func makeID() -> UInt64 {
        state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
    }

    /// Posts `submission` for the transfer thread.
    ///
    /// - Returns: `false` when the transport is shutting down or shut down; the caller then
    ///   still owns the continuation and must resume it.
    func submit(_ submission: CurlSubmission) -> Bool {
        state.withLock { state in
            guard state.phase == .running else { return false }
            let wasEmpty = state.submissions.isEmpty && state.cancellations.isEmpty
            state.submissions.append(submission)
            state.wakeIfFirst(wasEmpty: wasEmpty)
            return true
        }
    }

    /// Asks the transfer thread to abort transfer `id` (a no-op when it already finished; while
    /// stopping, the thread resolves every transfer anyway).
    func cancel(_ id: UInt64) {
        state.withLock { state in
            guard state.phase == .running else { return }
            let wasEmpty = state.submissions.isEmpty && state.cancellations.isEmpty
            state.cancellations.append(id)
            state.wakeIfFirst(wasEmpty: wasEmpty)
        }
    }

    /// Asks the transfer thread to stop.
    ///
    /// - Returns: `true` for the first request, `false` when a shutdown was already requested.
    @discardableResult
    func requestShutdown() -> Bool {
        state.withLock { state in
            guard state.phase == .running else { return false }
            state.phase = .stopping
            state.wake()
            return true
        }
    }

    /// Whether ``requestShutdown()`` has been called.
    var isShutDownRequested: Bool { state.withLock { $0.phase != .running } }

    /// Suspends until the transfer thread has freed every handle and exited.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLock { state in
                if state.phase == .stopped { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    // MARK: - Transfer thread

    /// Removes and returns everything posted since the last call.
    func take() -> Inbox {
        state.withLock { state in
            defer {
                state.submissions.removeAll(keepingCapacity: true)
                state.cancellations.removeAll(keepingCapacity: true)
            }
            return Inbox(
                submissions: state.submissions, cancellations: state.cancellations,
                isStopping: state.phase != .running)
        }
    }

    /// Lets go of the multi handle: no wakeup touches it after this returns, so the transfer
    /// thread's release of it is the last (``CurlMulti`` frees it then).
    func detach() {
        state.withLock { $0.multi = nil }
    }

    /// Marks the mailbox stopped (every handle is freed) and resumes everyone waiting in
    /// ``waitUntilStopped()``.
    func markStopped() {
        let waiters = state.withLock { state in
            state.multi = nil
            state.phase = .stopped
            defer { state.exitWaiters.removeAll() }
            return state.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
