/// A failure that is not the row's fault but the run's: the account, the endpoint or the network.
///
/// Sending the next row cannot help, so the executor stops the run (exit 3) and hands the row back
/// `pending` instead of burning it into `failed`; once the cause is fixed, `resume` alone finishes
/// every row.
///
/// | condition | seen as | stops the run |
/// |---|---|---|
/// | ``credentialsRefused`` | HTTP 401 or 403 | at the first answer |
/// | ``dnsFailure`` | the host name does not resolve | after ``transportThreshold`` in a row |
/// | ``tlsFailure`` | certificate or handshake failure | after ``transportThreshold`` in a row |
/// | ``nothingAnswers`` | connection refused or unreachable | after ``transportThreshold`` in a row |
///
/// The transport conditions need a few in a row (no healthy answer between), so a single blip
/// is retried like any transport failure; a refused key is never worth a second request.
public enum RunLevelCondition: String, Sendable, Equatable, CaseIterable {
    case credentialsRefused = "credentials_refused"
    case dnsFailure = "dns_failure"
    case tlsFailure = "tls_failure"
    case nothingAnswers = "nothing_answers"

    /// Consecutive transport-level conditions that stop the run.
    public static let transportThreshold = 3

    /// The condition `outcome` shows, or nil for a row-level outcome.
    public init?(_ outcome: Outcome) {
        if let status = outcome.httpStatus {
            guard status == 401 || status == 403 else { return nil }
            self = .credentialsRefused
            return
        }
        switch outcome.errorCode {
        case TransportError.Kind.dnsFailure.rawValue: self = .dnsFailure
        case TransportError.Kind.tls.rawValue: self = .tlsFailure
        case TransportError.Kind.couldNotConnect.rawValue: self = .nothingAnswers
        default: return nil
        }
    }

    /// How many in a row stop the run.
    public var threshold: Int { self == .credentialsRefused ? 1 : Self.transportThreshold }

    /// What went wrong, in the words of an operator: "the provider refused the credentials".
    public var summary: String {
        switch self {
        case .credentialsRefused: return "the provider refused the credentials"
        case .dnsFailure: return "the endpoint's host name does not resolve"
        case .tlsFailure: return "the TLS connection to the endpoint failed"
        case .nothingAnswers: return "nothing answers at the endpoint"
        }
    }

    /// What to check before `resume`.
    public var remedy: String {
        switch self {
        case .credentialsRefused: return "check the API key (revoked, wrong, or for another environment)"
        case .dnsFailure: return "check the job's endpoint host and this machine's DNS"
        case .tlsFailure: return "check the endpoint URL, the system's CA certificates and any proxy in the way"
        case .nothingAnswers: return "check the job's endpoint, the network and any firewall or proxy"
        }
    }
}
