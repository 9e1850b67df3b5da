import Foundation

/// Reads Rapyd's response envelope and classifies failures (FACTS.md §2.6).
///
/// Every response is `{"status":{"status":"SUCCESS"|"ERROR","error_code","message","response_code",
/// "operation_id"},"data":…}`; an error has only `status`.
enum RapydResponse {
    /// Rapyd's code for a bad access key or a signature mismatch (HTTP 401).
    static let unauthenticatedCode = "UNAUTHENTICATED_API_CALL"
    /// Rapyd's code for a wrong path or method (HTTP 401).
    static let unauthorizedCode = "UNAUTHORIZED_API_CALL"

    /// The envelope's `status` object and `data`.
    struct Envelope {
        /// `status.status`: `SUCCESS` or `ERROR`.
        var status: String?
        /// `status.error_code` (empty on success, so `nil` then).
        var errorCode: String?
        /// `status.message` (empty on success, so `nil` then).
        var message: String?
        /// `status.operation_id`, for Rapyd support.
        var operationID: String?
        /// `data`, on success.
        var data: JSONValue?

        init(_ json: JSONValue?) {
            let status = json?["status"]
            self.status = status?["status"]?.stringValue
            errorCode = status?["error_code"]?.nonEmptyString ?? status?["response_code"]?.nonEmptyString
            message = status?["message"]?.nonEmptyString
            operationID = status?["operation_id"]?.nonEmptyString
            data = json?["data"]
        }

        /// The message with the operation id appended, or `nil` when there is neither.
        var detail: String? {
            switch (message, operationID) {
            case (let message?, let id?): return "\(message) (operation_id \(id))"
            case (let message?, nil): return message
            case (nil, let id?): return "operation_id \(id)"
            case (nil, nil): return nil
            }
        }
    }

    /// The outcome of a response that is not a 2xx `SUCCESS`.
    ///
    /// - Parameters:
    ///   - response: The response.
    ///   - now: The current time, for `Retry-After` dates.
    /// - Returns: The classified outcome.
    static func failure(_ response: HTTPResponse, now: Date) -> Outcome {
        let envelope = Envelope(try? JSONValue.parse(bytes: response.body))
        let detail = envelope.detail.map { ": " + $0 } ?? ""
        if response.status == 401 {
            let code = envelope.errorCode ?? "HTTP_401"
            let advice =
                code == unauthorizedCode
                ? "the path or method does not exist at Rapyd; check the base URL"
                : "check RAPYD_ACCESS_KEY / RAPYD_SECRET_KEY and that this machine's clock is correct "
                    + "(Rapyd refuses timestamps in the future or older than 60 seconds)"
            return Outcome(
                kind: .permanent, httpStatus: 401, errorCode: code,
                message: "Rapyd refused the request (HTTP 401 \(code)\(detail)); \(advice)",
                latencyMilliseconds: response.latencyMilliseconds)
        }
        var message = envelope.detail
        if message == nil, response.status == 404 {
            message = "HTTP 404: no such URL at Rapyd; check the base URL"
        }
        if (200...299).contains(response.status) {
            // A 2xx carrying status ERROR: Rapyd said no, so sending the same request again will not help.
            return Outcome(
                kind: .permanent, httpStatus: response.status, errorCode: envelope.errorCode ?? "ERROR",
                message: message ?? "HTTP \(response.status) with status ERROR",
                latencyMilliseconds: response.latencyMilliseconds)
        }
        return OutcomeClassifier.byStatus(response, errorCode: envelope.errorCode, message: message, now: now)
    }

    /// The `data` object of a 2xx `SUCCESS` response.
    ///
    /// - Parameters:
    ///   - response: The response (any status).
    ///   - afterUpdate: Whether the request was an update (the update may have been applied).
    ///   - now: The current time, for `Retry-After` dates.
    /// - Returns: `data`.
    /// - Throws: The outcome to record: the classified failure, or an unreadable body.
    static func data(_ response: HTTPResponse, afterUpdate: Bool, now: Date) throws(EarlyOutcome) -> JSONValue {
        guard (200...299).contains(response.status) else { throw EarlyOutcome(failure(response, now: now)) }
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes: response.body)
        } catch {
            throw EarlyOutcome(
                OutcomeClassifier.unreadableSuccess(response, detail: error.description, afterUpdate: afterUpdate))
        }
        let envelope = Envelope(json)
        guard envelope.status == "SUCCESS" else {
            guard envelope.status != nil else {
                throw EarlyOutcome(
                    OutcomeClassifier.unreadableSuccess(
                        response, detail: "no status.status in the envelope", afterUpdate: afterUpdate))
            }
            throw EarlyOutcome(failure(response, now: now))
        }
        guard let data = envelope.data, case .object = data else {
            throw EarlyOutcome(
                OutcomeClassifier.unreadableSuccess(
                    response, detail: "SUCCESS without a data object", afterUpdate: afterUpdate))
        }
        return data
    }
}
