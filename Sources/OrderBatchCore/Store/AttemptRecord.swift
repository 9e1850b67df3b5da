import Foundation

/// One exchange with the provider about one row, appended to the attempts log by ``RunStore/record(_:)``.
///
/// The log keeps every attempt of every generation; ``ItemResult`` carries the row's latest state.
public struct AttemptRecord: Sendable, Equatable {
    /// Which request the attempt was.
    public enum Phase: String, Sendable, Hashable, CaseIterable {
        /// The update itself.
        case send
        /// The status read before sending (Juspay: is the order still NEW?).
        case preflight
        /// The read-back after an unknown fate: is the update already in effect?
        case reconcile
    }

    /// What the attempt came to. Stored as its raw value in `attempts.outcome`.
    public enum Result: String, Sendable, Hashable, CaseIterable {
        /// Applied (send), or the order allows the update (preflight).
        case succeeded
        /// Refused for good.
        case permanent
        /// May succeed if tried again.
        case retryable
        /// May have been applied; no success seen.
        case unknown
        /// Preflight: not sent by policy.
        case skipped
        /// Preflight: the provider's rules refuse the update in the order's state.
        case rejected
        /// Reconcile: the update is already in effect.
        case inEffect = "in_effect"
        /// Reconcile: the update is not in effect; it will be sent again with the same key.
        case notInEffect = "not_in_effect"
    }

    /// 1-based number of the attempt within the row's generation.
    public var attempt: Int
    public var phase: Phase
    public var startedAt: Date
    public var latencyMilliseconds: Double?
    /// HTTP status, nil when no response arrived.
    public var httpStatus: Int?
    /// Provider or transport error code.
    public var errorCode: String?
    /// Provider message or transport detail; never a credential.
    public var message: String?
    public var result: Result

    public init(
        attempt: Int, phase: Phase, startedAt: Date, latencyMilliseconds: Double? = nil, httpStatus: Int? = nil,
        errorCode: String? = nil, message: String? = nil, result: Result
    ) {
        self.attempt = attempt
        self.phase = phase
        self.startedAt = startedAt
        self.latencyMilliseconds = latencyMilliseconds
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
        self.result = result
    }

    /// The record of an attempt that ended in `outcome`: a possible landing counts as ``Result/unknown``.
    public init(attempt: Int, phase: Phase, startedAt: Date, outcome: Outcome) {
        let result: Result
        switch outcome.kind {
        case .succeeded: result = .succeeded
        case .permanent: result = outcome.mayHaveBeenApplied ? .unknown : .permanent
        case .retryable: result = outcome.mayHaveBeenApplied ? .unknown : .retryable
        }
        self.init(
            attempt: attempt, phase: phase, startedAt: startedAt, latencyMilliseconds: outcome.latencyMilliseconds,
            httpStatus: outcome.httpStatus, errorCode: outcome.errorCode, message: outcome.message, result: result)
    }
}
