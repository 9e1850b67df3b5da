internal import CCurl

/// The one owner of a libcurl multi handle (`CURLM`): `curl_multi_init` in `init`,
/// `curl_multi_cleanup` in `deinit`, nowhere else.
///
/// Two objects hold it: the ``CurlWorker`` (the transfer thread, the only one that drives it) and
/// the ``CurlMailbox`` (only for the thread-safe `curl_multi_wakeup`). The worker lets go of it
/// after removing every easy handle and the mailbox lets go when it is detached, so the last
/// release, wherever it happens, frees the handle after every easy handle has left it, in
/// libcurl's documented order (<https://curl.se/libcurl/c/curl_multi_cleanup.html>). A transport
/// dropped without a shutdown still frees it.
///
/// `@unchecked Sendable`: the mailbox calls only `curl_multi_wakeup`, which libcurl allows from
/// any thread; every other use is on the transfer thread.
final class CurlMulti: @unchecked Sendable {
    /// The `CURLM *`, valid for the life of this object.
    let handle: UnsafeMutableRawPointer

    /// Creates the multi handle.
    ///
    /// - Parameter maxConnections: Connections kept alive in all and per host.
    init(maxConnections: Int) {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_multi_init() else {
            preconditionFailure("curl_multi_init failed (out of memory)")
        }
        self.handle = handle
        // Keep up to maxConnections connections to the provider alive, and never open more per host
        // than transfers we run, so every connection gets reused.
        _ = ccurl_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnections)
        _ = ccurl_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, maxConnections)
    }

    deinit {
        curl_multi_cleanup(handle)
    }

    /// Interrupts a `curl_multi_poll` in progress on the transfer thread; callable from any thread.
    func wakeup() {
        _ = curl_multi_wakeup(handle)
    }
}
