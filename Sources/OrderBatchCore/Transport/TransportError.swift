/// Why an exchange produced no HTTP response.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Connection refused or unreachable: the request cannot have reached the server.
        case couldNotConnect = "could_not_connect"
        /// The host name did not resolve: the request cannot have reached the server.
        case dnsFailure = "dns_failure"
        /// The process lost its lease while the request waited to start (e.g. it was frozen);
        /// it was never sent.
        case fenced = "fenced"
        /// The per-request timeout expired.
        case timedOut = "timed_out"
        /// The connection was reset or closed before a complete response arrived.
        case connectionReset = "connection_reset"
        /// TLS handshake or peer verification failed.
        case tls = "tls"
        /// The answer was larger than ``CurlTransport/maxResponseBodyBytes`` and was not read:
        /// the request was sent, so what it did is unknown.
        case responseTooLarge = "response_too_large"
        /// The caller cancelled the exchange.
        case cancelled = "cancelled"
        /// Anything else libcurl reports.
        case other = "other"
    }

    public var kind: Kind
    /// libcurl's own words (`curl_easy_strerror` plus the error buffer). Never holds header values.
    public var detail: String
    /// True when some of the request may have reached the server (bytes were written on a
    /// connected socket): the update may have landed, so the row's fate is unknown.
    public var requestMayHaveBeenSent: Bool
    public var latencyMilliseconds: Double

    public init(kind: Kind, detail: String, requestMayHaveBeenSent: Bool, latencyMilliseconds: Double = 0) {
        self.kind = kind
        self.detail = detail
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        self.latencyMilliseconds = latencyMilliseconds
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
