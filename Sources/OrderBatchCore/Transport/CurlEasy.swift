internal import CCurl

/// One owned libcurl easy handle (`curl_easy_init` … `curl_easy_cleanup`) plus the state of the
/// transfer it is running: the submission, the header list, and the response being received.
///
/// Easy handles are pooled by ``CurlWorker`` and reused; the connections themselves live in the
/// multi handle's connection cache, so keep-alive works across handles. Before each reuse the
/// handle is `curl_easy_reset` and every option is set again, so no option leaks from one
/// request to the next.
///
/// Confined to the transfer thread. libcurl calls the write and header callbacks from inside
/// `curl_multi_perform` on that same thread, with `Unmanaged.passUnretained(self)` as userdata.
///
/// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-easy.html>.
final class CurlEasy {
    /// The response body cap, ``CurlTransport/maxResponseBodyBytes``.
    static var maxResponseBodyBytes: Int { CurlTransport.maxResponseBodyBytes }

    let handle: UnsafeMutableRawPointer
    /// libcurl writes a human-readable reason here (`CURLOPT_ERRORBUFFER`, CURL_ERROR_SIZE bytes).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// The transfer in progress, `nil` while the handle sits in the pool.
    private(set) var submission: CurlSubmission?
    private var headerList: CurlHeaderList?
    private var responseHeaders: [(name: String, value: String)] = []
    private var body: [UInt8] = []
    private var bodyLimitExceeded = false

    /// Creates an idle handle, or `nil` when libcurl cannot allocate one.
    init?() {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    // MARK: - Starting a transfer

    /// Takes `submission` and sets every option for it.
    ///
    /// - Parameters:
    ///   - submission: The request; the handle owns it until ``finish()``.
    ///   - userAgent: The `User-Agent` to send unless the request sets its own.
    /// - Returns: `nil` when the handle is ready to be added to the multi handle, or the error to
    ///   report (the handle is then idle again and the submission not taken).
    func start(_ submission: CurlSubmission, userAgent: String) -> TransportError? {
        precondition(self.submission == nil, "CurlEasy.start on a busy handle")
        errorBuffer[0] = 0
        let request = submission.request
        guard let headerList = Self.headerList(for: request) else {
            return TransportError(
                kind: .other, detail: "libcurl could not allocate the header list (out of memory)",
                requestMayHaveBeenSent: false)
        }
        let userData = Unmanaged.passUnretained(self).toOpaque()
        let connectTimeout = min(request.timeoutMilliseconds, CurlTransport.maxConnectTimeoutMilliseconds)
        var steps: [(String, CURLcode)] = [
            ("ERRORBUFFER", ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)),
            ("URL", ccurl_easy_setopt_string(handle, CURLOPT_URL, request.url)),
            ("PROTOCOLS_STR", ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")),
            // Send the path exactly as the provider adapter encoded it: no `/../` squashing.
            ("PATH_AS_IS", ccurl_easy_setopt_long(handle, CURLOPT_PATH_AS_IS, 1)),
            // Never raise SIGALRM/SIGPIPE-based timeouts in a multi-threaded process.
            ("NOSIGNAL", ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)),
            // TLS verification is always on; there is deliberately no option to turn it off.
            ("SSL_VERIFYPEER", ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)),
            ("SSL_VERIFYHOST", ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)),
            ("TIMEOUT_MS", ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds)),
            ("CONNECTTIMEOUT_MS", ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeout)),
            ("TCP_KEEPALIVE", ccurl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)),
            // A Content-Length over the cap fails the transfer before any body byte is read
            // (CURLE_FILESIZE_EXCEEDED); a body without one is capped in receiveBody.
            (
                "MAXFILESIZE_LARGE",
                ccurl_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(Self.maxResponseBodyBytes))
            ),
            ("USERAGENT", ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, userAgent)),
            ("HTTPHEADER", ccurl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList.list)),
            ("WRITEDATA", ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, userData)),
            ("HEADERDATA", ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, userData)),
            (
                "WRITEFUNCTION",
                ccurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, userData in
                    guard let userData else { return 0 }
                    let easy = Unmanaged<CurlEasy>.fromOpaque(userData).takeUnretainedValue()
                    return easy.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
                        ? size * count : 0
                }
            ),
            (
                "HEADERFUNCTION",
                ccurl_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, userData in
                    guard let userData else { return 0 }
                    let easy = Unmanaged<CurlEasy>.fromOpaque(userData).takeUnretainedValue()
                    easy.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
                    return size * count
                }
            ),
        ]
        switch request.method {
        case .get:
            steps.append(("HTTPGET", ccurl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)))
        case .post:
            // POSTFIELDSIZE first, so COPYPOSTFIELDS copies exactly that many bytes (NULs included).
            steps.append(
                (
                    "POSTFIELDSIZE_LARGE",
                    ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
                ))
            // libcurl copies the body here; an empty body still needs a valid pointer (the size excludes it).
            steps.append(
                (
                    "COPYPOSTFIELDS",
                    request.body.withUnsafeBytes { bytes in
                        withUnsafeBytes(of: UInt8(0)) { empty in
                            ccurl_easy_setopt_pointer(
                                handle, CURLOPT_COPYPOSTFIELDS,
                                UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? empty.baseAddress))
                        }
                    }
                ))
        }
        if let (option, code) = steps.first(where: { $0.1 != CURLE_OK }) {
            curl_easy_reset(handle)
            return TransportError(
                kind: .other, detail: "curl_easy_setopt(CURLOPT_\(option)) failed: \(Self.describe(code))",
                requestMayHaveBeenSent: false)
        }
        self.submission = submission
        self.headerList = headerList
        return nil
    }

    /// The header lines for `request`: its own headers in order, then suppressions for the
    /// headers libcurl would otherwise add on its own (`Accept: */*`, `Expect: 100-continue`,
    /// `Content-Type: application/x-www-form-urlencoded`), so the wire carries only what the
    /// request says plus Host, Content-Length and User-Agent.
    private static func headerList(for request: HTTPRequest) -> CurlHeaderList? {
        let list = CurlHeaderList()
        var hasAccept = false
        var hasExpect = false
        var hasContentType = false
        for header in request.headers {
            hasAccept = hasAccept || Self.isName(header.name, "accept")
            hasExpect = hasExpect || Self.isName(header.name, "expect")
            hasContentType = hasContentType || Self.isName(header.name, "content-type")
            let line = header.value.isEmpty ? header.name + ";" : header.name + ": " + header.value
            guard list.append(line) else { return nil }
        }
        if !hasAccept, !list.append("Accept:") { return nil }
        if request.method == .post {
            if !hasExpect, !list.append("Expect:") { return nil }
            if !hasContentType, !list.append("Content-Type:") { return nil }
        }
        return list
    }

    /// Whether header name `name` is `lowercase` (given in lowercase ASCII), ignoring ASCII case.
    private static func isName(_ name: String, _ lowercase: StaticString) -> Bool {
        let name = name.utf8
        guard name.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(name, expected).allSatisfy { byte, wanted in
                byte == wanted || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == wanted)
            }
        }
    }

    // MARK: - Callbacks (transfer thread, inside curl_multi_perform)

    /// Appends body bytes; `false` aborts the transfer once ``maxResponseBodyBytes`` is exceeded,
    /// and the partial body is released at once.
    ///
    /// The buffer grows geometrically but never past the cap, so a capped transfer holds at most
    /// ``maxResponseBodyBytes`` however large the answer.
    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let needed = body.count + bytes.count
        guard needed <= Self.maxResponseBodyBytes else {
            bodyLimitExceeded = true
            body = []
            return false
        }
        if needed > body.capacity {
            body.reserveCapacity(min(max(needed, body.capacity * 2, 4096), Self.maxResponseBodyBytes))
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Records one header line. A status line (`HTTP/…`) starts a new response (after a `1xx`
    /// or a redirect), so only the final response's headers are kept. A line starting with
    /// space or tab continues the previous value (obsolete folding).
    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        guard !line.isEmpty else { return }
        if line.starts(with: "HTTP/".utf8) {
            responseHeaders.removeAll(keepingCapacity: true)
            body.removeAll(keepingCapacity: true)
            return
        }
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            if !responseHeaders.isEmpty {
                let continuation = String(decoding: line, as: UTF8.self).trimmingOWS()
                responseHeaders[responseHeaders.count - 1].value += " " + continuation
            }
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        // Trimmed as bytes, before decoding: one string per value, not two.
        var value = line[(colon + 1)...]
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            value = value.dropFirst()
        }
        while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            value = value.dropLast()
        }
        responseHeaders.append((name: name, value: String(decoding: value, as: UTF8.self)))
    }

    // MARK: - Finishing

    /// The complete response after `CURLE_OK`.
    func response() -> HTTPResponse {
        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: responseHeaders, body: body, latencyMilliseconds: latency())
    }

    /// The error for a transfer that ended with `code`.
    func failure(_ code: CURLcode) -> TransportError {
        if code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_WRITE_ERROR && bodyLimitExceeded) {
            return tooLarge(code)
        }
        var detail = Self.describe(code)
        if let reason = errorBufferText() {
            detail += " (\(reason))"
        }
        let kind = TransportError.Kind(curlCode: code)
        return TransportError(
            kind: kind, detail: detail,
            requestMayHaveBeenSent: kind != .couldNotConnect && kind != .dnsFailure && requestStarted(),
            latencyMilliseconds: latency())
    }

    /// The error for an answer over the cap: announced by its `Content-Length`
    /// (`CURLE_FILESIZE_EXCEEDED`) or counted as it arrived (the write callback returned short).
    /// An answer was arriving, so the request was sent.
    private func tooLarge(_ code: CURLcode) -> TransportError {
        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let how =
            code == CURLE_FILESIZE_EXCEEDED
            ? "its Content-Length announced more" : "more arrived before the transfer was stopped"
        let statusText = status > 0 ? "HTTP \(status) answer" : "answer"
        return TransportError(
            kind: .responseTooLarge,
            detail: "the \(statusText) is larger than the \(CurlTransport.maxResponseBodyText) response cap "
                + "(\(how)); it was not read, so the outcome is unknown (\(Self.describe(code)))",
            requestMayHaveBeenSent: true, latencyMilliseconds: latency())
    }

    /// The error for a transfer aborted before it finished (task cancelled or transport shut down).
    func abandoned(_ detail: String) -> TransportError {
        TransportError(
            kind: .cancelled, detail: detail, requestMayHaveBeenSent: requestStarted(),
            latencyMilliseconds: latency())
    }

    /// Whether any of the request may have left this process.
    ///
    /// The rule: libcurl counted request bytes as issued (`CURLINFO_REQUEST_SIZE` > 0), or it
    /// reached the pre-transfer point (`CURLINFO_PRETRANSFER_TIME_T` > 0: connected, TLS done,
    /// about to write the request). Either means the server may have the request. Before that
    /// (DNS, TCP connect, TLS handshake) nothing of the request was written.
    private func requestStarted() -> Bool {
        var requestSize = 0
        var pretransfer: curl_off_t = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
        _ = ccurl_easy_getinfo_off_t(handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        return requestSize > 0 || pretransfer > 0
    }

    /// `CURLINFO_TOTAL_TIME` in milliseconds.
    private func latency() -> Double {
        var seconds = 0.0
        _ = ccurl_easy_getinfo_double(handle, CURLINFO_TOTAL_TIME, &seconds)
        return seconds * 1000
    }

    private func errorBufferText() -> String? {
        let text = String(cString: errorBuffer).trimmingOWS()
        return text.isEmpty ? nil : text
    }

    /// `curl_easy_strerror` with the numeric code, e.g. `curl error 7: Couldn't connect to server`.
    static func describe(_ code: CURLcode) -> String {
        "curl error \(code.rawValue): " + String(cString: curl_easy_strerror(code))
    }

    /// Ends the transfer: returns the submission and makes the handle idle and reusable
    /// (`curl_easy_reset` keeps nothing of the last request but the DNS and session caches).
    func finish() -> CurlSubmission? {
        defer {
            curl_easy_reset(handle)
            submission = nil
            headerList = nil
            responseHeaders = []
            body = []
            bodyLimitExceeded = false
        }
        return submission
    }
}

@available(*, unavailable)
extension CurlEasy: Sendable {}

extension String {
    /// Without leading and trailing spaces and tabs (HTTP optional whitespace).
    fileprivate func trimmingOWS() -> String {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isOWS($0) }), let end = lastIndex(where: { !isOWS($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
