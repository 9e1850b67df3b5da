import Foundation

/// The classification rules every provider shares; each adapter reads its own body format and
/// applies its own special codes first, then falls back to these.
///
/// - 2xx: success (the adapter checks the body).
/// - 408, 409, 425, 429 and 5xx: retryable, with `Retry-After` (seconds or HTTP-date) when sent.
/// - Any other status (other 4xx, an unfollowed 3xx): permanent.
/// - No response at all: retryable, and `mayHaveBeenApplied` when the request may have reached
///   the server.
public enum OutcomeClassifier {
    /// The 4xx statuses that say "not now" rather than "not this request".
    public static let retryableClientStatuses: Set<Int> = [408, 409, 425, 429]

    /// The error code for a 2xx response whose body the adapter could not read.
    public static let unreadableResponseCode = "UNREADABLE_RESPONSE"

    /// Whether a response with this status may succeed if the same request is sent later.
    ///
    /// - Parameter httpStatus: The response status.
    /// - Returns: `true` for 408, 409, 425, 429 and 500–599.
    public static func isRetryable(httpStatus: Int) -> Bool {
        retryableClientStatuses.contains(httpStatus) || (500...599).contains(httpStatus)
    }

    /// The outcome of a non-2xx response by its status alone.
    ///
    /// - Parameters:
    ///   - response: The response (for its status, `Retry-After` and latency).
    ///   - errorCode: The provider's error code, when its body had one.
    ///   - message: The provider's message, when its body had one.
    ///   - now: The current time, to turn an HTTP-date `Retry-After` into seconds.
    /// - Returns: A retryable or permanent outcome carrying everything given.
    public static func byStatus(_ response: HTTPResponse, errorCode: String?, message: String?, now: Date) -> Outcome {
        let kind: Outcome.Kind =
            isRetryable(httpStatus: response.status)
            ? .retryable(retryAfterSeconds: RetryAfter.seconds(response.header("Retry-After"), now: now))
            : .permanent
        return Outcome(
            kind: kind, httpStatus: response.status, errorCode: errorCode ?? "HTTP_\(response.status)",
            message: message ?? "HTTP \(response.status) with no error details in the body",
            latencyMilliseconds: response.latencyMilliseconds)
    }

    /// The outcome when no response arrived.
    ///
    /// - Parameter error: What the transport reported.
    /// - Returns: Retryable, coded with the transport error's kind (`timed_out`, `connection_reset`, …),
    ///   and `mayHaveBeenApplied` exactly when the request may have been sent.
    public static func transportFailure(_ error: TransportError) -> Outcome {
        Outcome(
            kind: .retryable(retryAfterSeconds: nil), httpStatus: nil, errorCode: error.kind.rawValue,
            message: error.detail, latencyMilliseconds: error.latencyMilliseconds,
            mayHaveBeenApplied: error.requestMayHaveBeenSent)
    }

    /// The outcome of a 2xx response whose body could not be read. After an update the update
    /// may have been applied, so the row's fate is unknown and it must be reconciled before
    /// another send; after a read nothing was applied.
    ///
    /// - Parameters:
    ///   - response: The response.
    ///   - detail: What was wrong with the body.
    ///   - afterUpdate: Whether the request was an update (`true`) or a read (`false`).
    /// - Returns: A retryable outcome, with `mayHaveBeenApplied` after an update.
    public static func unreadableSuccess(_ response: HTTPResponse, detail: String, afterUpdate: Bool) -> Outcome {
        Outcome(
            kind: .retryable(retryAfterSeconds: nil), httpStatus: response.status, errorCode: unreadableResponseCode,
            message: "HTTP \(response.status) but the body could not be read: \(detail)",
            latencyMilliseconds: response.latencyMilliseconds, mayHaveBeenApplied: afterUpdate)
    }

    /// The outcome for an item whose stored payload cannot be decoded: sending it again cannot help.
    ///
    /// - Parameter detail: What the decoder said.
    /// - Returns: A permanent `CORRUPT_PAYLOAD` outcome.
    public static func corruptPayload(_ detail: String) -> Outcome {
        Outcome(
            kind: .permanent, errorCode: "CORRUPT_PAYLOAD",
            message:
                "the stored update could not be decoded (\(detail)); validate the input file again and start a new run")
    }

    /// Sends `request` and returns the response or the transport's error, without throwing.
    static func exchange(
        _ request: HTTPRequest, via transport: any HTTPTransport
    ) async -> Result<HTTPResponse, TransportError> {
        do {
            return .success(try await transport.send(request))
        } catch {
            return .failure(error)
        }
    }
}
