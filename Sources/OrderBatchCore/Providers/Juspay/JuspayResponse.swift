import Foundation

/// Reads Juspay's responses: the order object on success, and both error body formats
/// (FACTS.md §1.4, §1.5), and classifies failures.
///
/// Error formats handled:
/// - documented: `{"status":"Bad Request","error_code":"INVALID_REQUEST","error_message":"…",
///   "error_info":{"code":"INVALID_INPUT","developer_message":"…","user_message":"…","fields":[…]}}`,
///   and the Order Status "not found" body `{"status":"NOT_FOUND","status_id":40,"error_info":{…}}`;
/// - older: `{"status":"invalid_request_error","error_code":"…","error_message":"…"}`.
enum JuspayResponse {
    /// The error code for a 200 whose order amount differs from the amount sent.
    static let amountMismatchCode = "AMOUNT_MISMATCH"
    /// The error code for an unknown order (HTTP 400 with `status: NOT_FOUND` / `status_id: 40`).
    static let notFoundCode = "NOT_FOUND"
    /// The error code for refused credentials (HTTP 401).
    static let unauthorizedCode = "UNAUTHORIZED"
    /// Juspay's code for a concurrent request on the same order: retryable.
    static let duplicateRequestCode = "DUPLICATE_REQUEST"

    /// What an error body says.
    struct ErrorBody: Equatable {
        /// `error_info.code`, else `error_code`, else `status`.
        var code: String?
        /// `error_info.developer_message`, else `user_message`, else `error_message`, with any
        /// `error_info.fields` reasons appended.
        var message: String?
        /// The top-level `status` (`NOT_FOUND`, `Bad Request`, `error`, …).
        var status: String?
        /// The top-level `status_id` (40 for not found).
        var statusID: Int?

        init(_ json: JSONValue?) {
            let info = json?["error_info"]
            status = json?["status"]?.stringValue
            if case .number(let number)? = json?["status_id"] { statusID = Int(number.text) }
            code = info?["code"]?.nonEmptyString ?? json?["error_code"]?.nonEmptyString ?? status
            var message =
                info?["developer_message"]?.nonEmptyString ?? info?["user_message"]?.nonEmptyString
                ?? json?["error_message"]?.nonEmptyString
            if case .array(let fields)? = info?["fields"] {
                let reasons = fields.compactMap { field -> String? in
                    guard let name = field["field_name"]?.stringValue else { return nil }
                    return name + ": " + (field["reason"]?.stringValue ?? "invalid")
                }
                if !reasons.isEmpty {
                    message = (message.map { $0 + " " } ?? "") + "(" + reasons.joined(separator: "; ") + ")"
                }
            }
            self.message = message ?? status
        }

        /// Whether this is Juspay's "order not found" (FACTS.md §1.4: HTTP 400, not 404).
        var isNotFound: Bool { status == "NOT_FOUND" || statusID == 40 || code == "RESOURCE_NOT_FOUND" }
    }

    /// The outcome of a response outside 2xx.
    ///
    /// - Parameters:
    ///   - response: The response.
    ///   - orderID: The order the request was about, for messages.
    ///   - now: The current time, for `Retry-After` dates.
    /// - Returns: The classified outcome.
    static func failure(_ response: HTTPResponse, orderID: String, now: Date) -> Outcome {
        let body = ErrorBody(try? JSONValue.parse(bytes: response.body))
        let detail = body.message.map { ": " + $0 } ?? ""
        if response.status == 401 {
            return Outcome(
                kind: .permanent, httpStatus: 401, errorCode: unauthorizedCode,
                message: "Juspay refused the credentials (HTTP 401 \(body.code ?? "UNAUTHORIZED")\(detail)); "
                    + "check JUSPAY_API_KEY and the merchant id sent as x-merchantid",
                latencyMilliseconds: response.latencyMilliseconds)
        }
        if (400...499).contains(response.status), !OutcomeClassifier.isRetryable(httpStatus: response.status),
            body.isNotFound
        {
            return Outcome(
                kind: .permanent, httpStatus: response.status, errorCode: notFoundCode,
                message: "Juspay has no order \(orderID)\(detail); check the order id and the merchant account",
                latencyMilliseconds: response.latencyMilliseconds)
        }
        if body.code == duplicateRequestCode {
            return Outcome(
                kind: .retryable(retryAfterSeconds: RetryAfter.seconds(response.header("Retry-After"), now: now)),
                httpStatus: response.status, errorCode: duplicateRequestCode,
                message: "another request for order \(orderID) was in process at Juspay\(detail)",
                latencyMilliseconds: response.latencyMilliseconds)
        }
        var message = body.message
        if message == nil, response.status == 404 {
            message = "HTTP 404: no such URL at Juspay; check the base URL"
        }
        return OutcomeClassifier.byStatus(response, errorCode: body.code, message: message, now: now)
    }

    /// The order object of a 2xx response.
    ///
    /// - Parameters:
    ///   - response: A 2xx response.
    ///   - afterUpdate: Whether the request was Update Order (the update may have been applied).
    /// - Returns: The order.
    /// - Throws: The outcome to record when the body is not a JSON object.
    static func order(_ response: HTTPResponse, afterUpdate: Bool) throws(EarlyOutcome) -> JSONValue {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes: response.body)
        } catch {
            throw EarlyOutcome(
                OutcomeClassifier.unreadableSuccess(response, detail: error.description, afterUpdate: afterUpdate))
        }
        guard case .object = json else {
            throw EarlyOutcome(
                OutcomeClassifier.unreadableSuccess(
                    response, detail: "expected a JSON object (the order)", afterUpdate: afterUpdate))
        }
        return json
    }

    /// The outcome of a 2xx Update Order response: success, unless the order's `amount` differs
    /// from the amount sent.
    ///
    /// An order without `amount` is a success (the echo is documented, not promised); an
    /// `amount` that is not a number or numeric string is unreadable, so the fate is unknown.
    ///
    /// - Parameters:
    ///   - response: The 2xx response.
    ///   - requested: The amount sent.
    /// - Returns: The outcome.
    static func updateSuccess(_ response: HTTPResponse, requested: Decimal) -> Outcome {
        // Only `amount` is read: the rest of the order is checked as JSON but not built.
        let members: [(key: String, value: JSONValue)]
        do {
            guard let kept = try JSONValue.parseMembers(bytes: response.body, keeping: { $0 == "amount" }) else {
                return OutcomeClassifier.unreadableSuccess(
                    response, detail: "expected a JSON object (the order)", afterUpdate: true)
            }
            members = kept
        } catch {
            return OutcomeClassifier.unreadableSuccess(response, detail: error.description, afterUpdate: true)
        }
        if let amount = members.first?.value {
            guard let returned = amount.decimalValue else {
                return OutcomeClassifier.unreadableSuccess(
                    response, detail: "the order amount \(amount.compactText) is not a number", afterUpdate: true)
            }
            if returned != requested {
                return Outcome(
                    kind: .permanent, httpStatus: response.status, errorCode: amountMismatchCode,
                    message: "Juspay answered HTTP \(response.status) but the order amount is \(returned.plainText), "
                        + "not the requested \(requested.plainText); check the order at Juspay before sending again",
                    latencyMilliseconds: response.latencyMilliseconds)
            }
        }
        return Outcome(kind: .succeeded, httpStatus: response.status, latencyMilliseconds: response.latencyMilliseconds)
    }
}
