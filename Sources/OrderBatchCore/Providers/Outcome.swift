/// What one attempt at a provider came to, as the provider adapter classifies it.
public struct Outcome: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The provider applied the update (and, where it echoes values, they match).
        case succeeded
        /// Will not succeed if sent again unchanged: 4xx other than 408/409/425/429,
        /// a provider code meaning bad request or unknown order, an amount mismatch.
        case permanent
        /// May succeed later: network errors, timeouts, 408, 409, 425, 429, 5xx,
        /// Juspay DUPLICATE_REQUEST. `retryAfterSeconds` when the provider sent Retry-After.
        case retryable(retryAfterSeconds: Double?)
    }

    public var kind: Kind
    /// HTTP status, nil when no response arrived.
    public var httpStatus: Int?
    /// The provider's error code (`error_info.code`, `error_code`, `status.error_code`), or a
    /// transport code (`timed_out`, `connection_reset`, …), or one of ours (`AMOUNT_MISMATCH`).
    public var errorCode: String?
    /// The provider's message or libcurl's detail. Never holds credentials.
    public var message: String?
    public var latencyMilliseconds: Double
    /// True when the request may have been applied although no success was seen
    /// (timed out after sending, connection lost mid-response): the row's fate is unknown
    /// and it must be reconciled before it is sent again.
    public var mayHaveBeenApplied: Bool
    /// True for a rate-limit refusal (HTTP 429): the executor slows the whole run.
    public var isRateLimited: Bool { httpStatus == 429 }

    public init(
        kind: Kind, httpStatus: Int? = nil, errorCode: String? = nil, message: String? = nil,
        latencyMilliseconds: Double = 0, mayHaveBeenApplied: Bool = false
    ) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
        self.latencyMilliseconds = latencyMilliseconds
        self.mayHaveBeenApplied = mayHaveBeenApplied
    }
}
