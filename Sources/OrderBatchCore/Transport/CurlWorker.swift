internal import CCurl

/// The transfer thread's state: one libcurl multi handle, the easy-handle pool, the transfers in
/// flight and those waiting for a slot.
///
/// ``run()`` is the thread's whole life: drain the ``CurlMailbox``, start waiting transfers while
/// fewer than `maxActive` are in flight, `curl_multi_perform`, resolve finished transfers from
/// `curl_multi_info_read`, then block in `curl_multi_poll` until a socket is ready, a libcurl
/// timer fires, or a caller posts and calls `curl_multi_wakeup`. On shutdown it resolves every
/// transfer and frees every handle, in that one place.
///
/// Transfers wait *here* rather than in libcurl's own pending queue, so a request's timeout
/// (`CURLOPT_TIMEOUT_MS`) counts only its own exchange, never time spent queued behind others.
///
/// `@unchecked Sendable`: the instance is handed to the transfer thread once, at start, and from
/// then on only that thread touches it.
///
/// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-multi.html>.
final class CurlWorker: @unchecked Sendable {
    /// How long `curl_multi_poll` may block when libcurl has no earlier timer (it wakes sooner
    /// for any timer or a `curl_multi_wakeup`).
    private static let idlePollMilliseconds: Int32 = 1000

    let mailbox: CurlMailbox
    /// The multi handle's owner, until ``tearDown(_:)`` lets go of it (freeing it: the mailbox
    /// let go first).
    private var multiOwner: CurlMulti?
    /// `multiOwner`'s handle, borrowed: used only while `multiOwner` is held.
    private let multi: UnsafeMutableRawPointer
    private let maxActive: Int
    private let userAgent: String
    /// Asked just before each transfer starts; `false` fails it as ``TransportError/Kind/fenced``,
    /// never sent.
    private let startGate: (@Sendable () -> Bool)?

    /// Idle easy handles, at most `maxActive` of them.
    private var pool: [CurlEasy] = []
    /// Transfers added to the multi handle, by easy handle and by transfer id.
    private var active: [UnsafeMutableRawPointer: CurlEasy] = [:]
    private var activeHandles: [UInt64: UnsafeMutableRawPointer] = [:]
    /// Submissions waiting for a slot, first come first served from `waitingHead`.
    private var waiting: [CurlSubmission] = []
    private var waitingHead = 0

    /// Creates the multi handle and the mailbox that wakes it.
    ///
    /// - Parameters:
    ///   - maxActive: The most transfers in flight; also the per-host and cached connection limits.
    ///   - userAgent: The default `User-Agent`.
    ///   - startGate: Asked just before each transfer starts; `false` fails it as
    ///     ``TransportError/Kind/fenced``, never sent. `nil` starts every transfer.
    init(maxActive: Int, userAgent: String, startGate: (@Sendable () -> Bool)? = nil) {
        let owner = CurlMulti(maxConnections: maxActive)
        multiOwner = owner
        multi = owner.handle
        self.maxActive = maxActive
        self.userAgent = userAgent
        self.startGate = startGate
        mailbox = CurlMailbox(multi: owner)
    }

    // MARK: - The loop

    /// The transfer thread's body; returns after shutdown, with every handle freed.
    func run() {
        while true {
            let inbox = mailbox.take()
            if inbox.isStopping {
                tearDown(inbox.submissions)
                return
            }
            admit(inbox)
            startWaiting()
            var running: Int32 = 0
            let performed = curl_multi_perform(multi, &running)
            if performed != CURLM_OK {
                failAll(detail: "curl_multi_perform failed: " + String(cString: curl_multi_strerror(performed)))
            }
            readMessages()
            let canStartMore = waitingCount > 0 && active.count < maxActive
            if !canStartMore {
                _ = curl_multi_poll(multi, nil, 0, Self.idlePollMilliseconds, nil)
            }
        }
    }

    private var waitingCount: Int { waiting.count - waitingHead }

    /// Queues new submissions and applies cancellations (to waiting and in-flight transfers).
    private func admit(_ inbox: CurlMailbox.Inbox) {
        waiting.append(contentsOf: inbox.submissions)
        guard !inbox.cancellations.isEmpty else { return }
        let cancelled = Set(inbox.cancellations)
        for id in cancelled {
            guard let handle = activeHandles[id], let easy = active[handle] else { continue }
            let error = easy.abandoned("the calling task was cancelled; the transfer was aborted")
            end(easy, with: .failure(error))
        }
        var kept: [CurlSubmission] = []
        for submission in waiting[waitingHead...] {
            if cancelled.contains(submission.id) {
                submission.finish(.failure(Self.cancelledBeforeStart))
            } else {
                kept.append(submission)
            }
        }
        waiting = kept
        waitingHead = 0
    }

    private static let cancelledBeforeStart = TransportError(
        kind: .cancelled, detail: "the calling task was cancelled before the request was sent",
        requestMayHaveBeenSent: false)

    private static let fencedBeforeStart = TransportError(
        kind: .fenced, detail: "this process's lease was not renewed recently enough to start a request; not sent",
        requestMayHaveBeenSent: false)

    /// Moves waiting submissions into the multi handle while there are free slots.
    private func startWaiting() {
        while waitingCount > 0 && active.count < maxActive {
            let submission = waiting[waitingHead]
            waitingHead += 1
            start(submission)
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    private func start(_ submission: CurlSubmission) {
        if let startGate, !startGate() {
            submission.finish(.failure(Self.fencedBeforeStart))
            return
        }
        guard let easy = pool.popLast() ?? CurlEasy() else {
            submission.finish(
                .failure(
                    TransportError(
                        kind: .other, detail: "curl_easy_init failed (out of memory)", requestMayHaveBeenSent: false)))
            return
        }
        if let error = easy.start(submission, userAgent: userAgent) {
            submission.finish(.failure(error))
            recycle(easy)
            return
        }
        let added = curl_multi_add_handle(multi, easy.handle)
        guard added == CURLM_OK else {
            let detail = "curl_multi_add_handle failed: " + String(cString: curl_multi_strerror(added))
            easy.finish()?.finish(.failure(TransportError(kind: .other, detail: detail, requestMayHaveBeenSent: false)))
            recycle(easy)
            return
        }
        active[easy.handle] = easy
        activeHandles[submission.id] = easy.handle
    }

    /// Resolves every finished transfer reported by `curl_multi_info_read`.
    private func readMessages() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let easy = active[handle]
            else { continue }
            let code = message.pointee.data.result
            let result: Result<HTTPResponse, TransportError> =
                code == CURLE_OK ? .success(easy.response()) : .failure(easy.failure(code))
            end(easy, with: result)
        }
    }

    /// Removes `easy` from the multi handle, resumes its caller with `result`, and pools it.
    private func end(_ easy: CurlEasy, with result: Result<HTTPResponse, TransportError>) {
        _ = curl_multi_remove_handle(multi, easy.handle)
        active[easy.handle] = nil
        if let submission = easy.finish() {
            activeHandles[submission.id] = nil
            submission.finish(result)
        }
        recycle(easy)
    }

    private func recycle(_ easy: CurlEasy) {
        if pool.count < maxActive { pool.append(easy) }
    }

    /// Fails every in-flight transfer (the multi handle itself reported an error).
    private func failAll(detail: String) {
        for easy in Array(active.values) {
            let error = easy.abandoned(detail)
            end(
                easy,
                with: .failure(
                    TransportError(
                        kind: .other, detail: detail, requestMayHaveBeenSent: error.requestMayHaveBeenSent,
                        latencyMilliseconds: error.latencyMilliseconds)))
        }
    }

    // MARK: - Shutdown

    private static let shutDownBeforeStart = TransportError(
        kind: .cancelled, detail: "the transport was shut down before the request was sent",
        requestMayHaveBeenSent: false)

    /// Resolves every transfer, then frees all handles: easy handles leave the multi handle,
    /// the multi handle is cleaned up (the last release of its ``CurlMulti``), then the easy
    /// handles are (libcurl's documented order).
    private func tearDown(_ lastSubmissions: [CurlSubmission]) {
        for easy in Array(active.values) {
            end(easy, with: .failure(easy.abandoned("the transport was shut down while the request was in flight")))
        }
        for submission in waiting[waitingHead...] + lastSubmissions {
            submission.finish(.failure(Self.shutDownBeforeStart))
        }
        waiting = []
        waitingHead = 0
        mailbox.detach()
        multiOwner = nil
        pool = []
        mailbox.markStopped()
    }
}
