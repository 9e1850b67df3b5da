import Foundation

/// The ``HTTPTransport`` over one libcurl multi handle, driven by one dedicated thread.
///
/// Many transfers run at once on that thread (`curl_multi_poll` / `curl_multi_perform` /
/// `curl_multi_info_read`); calling tasks only post requests and suspend, so no blocking call
/// ever runs on the cooperative pool. At most `maxConcurrentTransfers` exchanges are in flight;
/// more wait in submission order. Connections stay alive between requests (up to
/// `maxConcurrentTransfers` per host) and easy handles are pooled.
///
/// Always call ``shutdown()`` (or use ``withCurlTransport(maxConcurrentTransfers:userAgent:_:)``):
///
/// ```swift
/// let transport = CurlTransport(maxConcurrentTransfers: 16)
/// let response = try await transport.send(
///     HTTPRequest(method: .get, url: server.baseURL + "/__emulator/stats", timeoutMilliseconds: 5_000))
/// await transport.shutdown()
/// ```
///
/// What goes on the wire: the request's headers in order, plus `Host`, `Content-Length` (POST)
/// and `User-Agent` (the configured one, unless the request sets its own). The headers libcurl
/// would add by itself (`Accept: */*`, `Expect: 100-continue`, a form `Content-Type`) are
/// suppressed. The URL's path is sent as given (`CURLOPT_PATH_AS_IS`); only `http` and `https`
/// URLs are allowed; redirects are not followed.
///
/// TLS: peer and host verification are always on, with the system CA store; there is no way
/// to turn them off.
///
/// Proxies: libcurl's default is kept, so `http_proxy`, `https_proxy`, `ALL_PROXY` and
/// `NO_PROXY` in the environment route requests through a proxy. Unset them (or add the
/// provider's host to `NO_PROXY`) to connect directly.
///
/// Timeouts: `timeoutMilliseconds` bounds the whole exchange (`CURLOPT_TIMEOUT_MS`); connecting
/// is bounded by the smaller of that and ``maxConnectTimeoutMilliseconds``.
///
/// Failures are ``TransportError``s; see `TransportError+Curl.swift` for how libcurl's codes map
/// to kinds, and ``TransportError/requestMayHaveBeenSent`` for the rule: it is `true` once
/// libcurl reached the point of writing the request (`CURLINFO_REQUEST_SIZE` > 0 or
/// `CURLINFO_PRETRANSFER_TIME_T` > 0), and always `false` for ``TransportError/Kind/couldNotConnect``.
///
/// Note: when a *reused* keep-alive connection turns out to be dead before any response byte
/// arrives, libcurl itself resends the request once on a fresh connection (its fix for the
/// race with a server closing idle connections). A request that reached a server which then
/// dropped the connection without answering may therefore arrive twice; providers'
/// idempotency must cover that, as it covers the executor's own retries.
///
/// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-multi.html>.
public final class CurlTransport: HTTPTransport {
    /// The longest connect phase allowed, whatever the request's timeout (10 s).
    public static let maxConnectTimeoutMilliseconds = 10_000

    /// The largest response body read (1 MiB). Provider answers are a few kilobytes; a larger
    /// one (a proxy's page, a broken server) is not read but stopped, as soon as its
    /// `Content-Length` or its bytes pass the cap, and fails with
    /// ``TransportError/Kind/responseTooLarge`` (the request was sent, so its outcome is unknown).
    /// Each transfer's buffer is bounded by the cap and released when the transfer ends, so memory
    /// is at most concurrency × cap whatever the provider sends.
    public static let maxResponseBodyBytes = 1 << 20

    /// ``maxResponseBodyBytes`` for messages: `1 MiB (1048576 bytes)`.
    static var maxResponseBodyText: String {
        "\(maxResponseBodyBytes >> 20) MiB (\(maxResponseBodyBytes) bytes)"
    }

    /// The most exchanges in flight at once.
    public let maxConcurrentTransfers: Int
    private let mailbox: CurlMailbox

    /// Starts the transfer thread.
    ///
    /// - Parameters:
    ///   - maxConcurrentTransfers: The most exchanges in flight (≥ 1); also the number of
    ///     connections kept alive per host.
    ///   - userAgent: The `User-Agent` header sent unless a request sets its own.
    ///   - startGate: Asked on the transfer thread just before each request starts; when it
    ///     answers `false` the request fails with ``TransportError/Kind/fenced`` and is not sent
    ///     (the executor's ``LeaseFence``).
    public init(
        maxConcurrentTransfers: Int = 16, userAgent: String = "orderbatch/0.1",
        startGate: (@Sendable () -> Bool)? = nil
    ) {
        precondition(maxConcurrentTransfers >= 1, "maxConcurrentTransfers must be at least 1")
        self.maxConcurrentTransfers = maxConcurrentTransfers
        let worker = CurlWorker(maxActive: maxConcurrentTransfers, userAgent: userAgent, startGate: startGate)
        mailbox = worker.mailbox
        let thread = Thread { worker.run() }
        thread.name = "orderbatch-curl"
        thread.start()
    }

    deinit {
        // Release without shutdown() is a bug in the caller (the thread would outlive every
        // request): catch it in debug builds, and still stop the thread in release builds.
        let wasRunning = mailbox.requestShutdown()
        assert(!wasRunning, "CurlTransport released without shutdown()")
    }

    /// Sends `request` and returns its response.
    ///
    /// Cancelling the calling task aborts the exchange at once and throws
    /// ``TransportError/Kind/cancelled``.
    ///
    /// - Parameter request: The request; `timeoutMilliseconds` must be at least 1, header names
    ///   must be HTTP tokens, and no header value or URL may contain CR, LF or NUL.
    /// - Returns: The final response (any status code; statuses are not errors here).
    /// - Throws: ``TransportError`` when no complete response arrived.
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        if let problem = Self.problem(with: request) {
            throw TransportError(kind: .other, detail: problem, requestMayHaveBeenSent: false)
        }
        if Task.isCancelled {
            throw TransportError(
                kind: .cancelled, detail: "the calling task was cancelled before the request was sent",
                requestMayHaveBeenSent: false)
        }
        let mailbox = self.mailbox
        let id = mailbox.makeID()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                let submission = CurlSubmission(id: id, request: request, continuation: continuation)
                guard mailbox.submit(submission) else {
                    continuation.resume(
                        returning: .failure(
                            TransportError(
                                kind: .other, detail: "the transport is shut down; the request was not sent",
                                requestMayHaveBeenSent: false)))
                    return
                }
                // A cancellation that landed before the submission found nothing to cancel.
                if Task.isCancelled { mailbox.cancel(id) }
            }
        } onCancel: {
            mailbox.cancel(id)
        }
        return try result.get()
    }

    /// Stops the transfer thread and frees every handle. Transfers still in flight or waiting
    /// end with ``TransportError/Kind/cancelled``; later ``send(_:)`` calls fail at once.
    /// Calling it again waits for the first shutdown to finish.
    public func shutdown() async {
        mailbox.requestShutdown()
        await mailbox.waitUntilStopped()
    }

    // MARK: - Request checks

    /// Why `request` must not be sent, or `nil`. libcurl would send a CR/LF inside a header
    /// verbatim (header injection) and stop a C string at a NUL.
    static func problem(with request: HTTPRequest) -> String? {
        guard request.timeoutMilliseconds >= 1 else {
            return "timeoutMilliseconds must be at least 1, got \(request.timeoutMilliseconds)"
        }
        if request.url.utf8.contains(where: { $0 == 0 || $0 == 0x0d || $0 == 0x0a }) {
            return "the URL contains CR, LF or NUL; the request was not sent"
        }
        if request.method == .get && !request.body.isEmpty {
            return "a GET request cannot carry a body; the request was not sent"
        }
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(isTokenByte) else {
                return "header name '\(header.name.debugDescription.dropFirst().dropLast())' is not an HTTP token; "
                    + "the request was not sent"
            }
            if header.value.utf8.contains(where: { $0 == 0 || $0 == 0x0d || $0 == 0x0a }) {
                return "the value of header '\(header.name)' contains CR, LF or NUL; the request was not sent"
            }
        }
        return nil
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

/// Runs `body` with a fresh ``CurlTransport`` and shuts it down afterwards, whether `body`
/// returns or throws.
///
/// - Parameters:
///   - maxConcurrentTransfers: The most exchanges in flight.
///   - userAgent: The default `User-Agent`.
///   - body: The work to do with the transport.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws.
public func withCurlTransport<T, E: Error>(
    maxConcurrentTransfers: Int = 16, userAgent: String = "orderbatch/0.1",
    _ body: (CurlTransport) async throws(E) -> T
) async throws(E) -> T {
    let transport = CurlTransport(maxConcurrentTransfers: maxConcurrentTransfers, userAgent: userAgent)
    do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}
