import Foundation
import ProviderRules

/// Juspay Express Checkout: `POST /orders/{order_id}` (Update Order) and `GET /orders/{order_id}`
/// (Order Status), as documented in juspay-update-order.md and FACTS.md §1.
///
/// Checks run in this order, and the first failure answers: Basic auth (401), `x-merchantid` and
/// `x-routing-id` (400), Content-Type (400), form syntax and fields (400), the order's existence
/// (400 `NOT_FOUND`), another update in flight (400 `DUPLICATE_REQUEST`), status `NEW` (400
/// `INVALID_ACTION`). An accepted update is applied when it arrives and answered after the latency
/// delay; the order counts as "in flight" until then.
struct JuspayRoutes {
    let router: EmulatorRouter

    // MARK: - Routes

    /// Update Order.
    func update(_ request: EmulatorRequest, orderID: String?) -> (EmulatorResponse, (@Sendable () -> Void)?) {
        if let refusal = checkHeaders(request) { return (refusal, nil) }
        let merchantID = request.header("x-merchantid") ?? ""
        let contentType = request.header("content-type") ?? ""
        guard Self.isFormContentType(contentType) else {
            return (
                Self.invalidInput(field: "Content-Type", "Content-Type must be application/x-www-form-urlencoded"), nil
            )
        }
        guard let orderID else { return (Self.invalidInput(field: "order_id", "Invalid order id encoding"), nil) }
        let pairs: [(name: String, value: String)]
        do {
            pairs = try FormDecoding.decodeForm(request.body)
        } catch {
            return (Self.invalidInput(field: "body", "Malformed form body: \(error.reason)"), nil)
        }
        if let refusal = Self.validate(pairs) { return (refusal, nil) }

        let now = router.clock()
        let unknownOrders = router.configuration.unknownOrders
        let (response, tookInFlight) = router.state.withLock { state -> (EmulatorResponse, Bool) in
            // Checked again here, where updates are counted, so "revoke after N" lets exactly N through.
            if let refusal = EmulatorRouter.revokedUpdateRefusal(JuspayEmulator(), in: &state) {
                return (refusal, false)
            }
            let juspay = state.orders.state(JuspayEmulatorState.self)
            guard var order = Self.order(orderID, in: &state, unknownOrders: unknownOrders, now: now) else {
                return (Self.notFound(orderID), false)
            }
            guard !juspay.inFlight.contains(orderID) else {
                state.stats.duplicateRequests += 1
                return (Self.duplicateRequest(orderID), false)
            }
            guard order.status.updatableByDefault else {
                state.stats.statusRuleRejections += 1
                return (Self.invalidAction(order), false)
            }
            for (name, value) in pairs {
                if name == "amount" {
                    order.amount = JuspayOrder.normalizedAmount(value)
                } else {
                    order.fields[name] = value
                }
            }
            juspay.orders[orderID] = order
            state.countApplied(orderID: orderID)
            juspay.inFlight.insert(orderID)
            return (.json(200, order.json(requestMerchantID: merchantID)), true)
        }
        guard tookInFlight else { return (response, nil) }
        let router = self.router
        return (
            response,
            { router.state.withLock { _ = $0.orders.state(JuspayEmulatorState.self).inFlight.remove(orderID) } }
        )
    }

    /// Order Status.
    func status(_ request: EmulatorRequest, orderID: String?) -> (EmulatorResponse, (@Sendable () -> Void)?) {
        if let refusal = checkHeaders(request) { return (refusal, nil) }
        guard let orderID else { return (Self.invalidInput(field: "order_id", "Invalid order id encoding"), nil) }
        let merchantID = request.header("x-merchantid") ?? ""
        let now = router.clock()
        let unknownOrders = router.configuration.unknownOrders
        let response = router.state.withLock { state in
            guard let order = Self.order(orderID, in: &state, unknownOrders: unknownOrders, now: now) else {
                return Self.notFound(orderID)
            }
            return .json(200, order.json(requestMerchantID: merchantID))
        }
        return (response, nil)
    }

    // MARK: - Checks

    /// Basic auth, then the required headers; `nil` when all pass.
    private func checkHeaders(_ request: EmulatorRequest) -> EmulatorResponse? {
        let credentials = router.configuration.credentials
        guard Self.basicAuthUser(request.header("authorization")) == credentials.juspayAPIKey else {
            router.state.withLock { $0.stats.rejectedAuth += 1 }
            return Self.unauthorized("Invalid API key.")
        }
        guard let merchantID = request.header("x-merchantid"), !merchantID.isEmpty else {
            return Self.invalidInput(field: "x-merchantid", "Missing field or Invalid Value")
        }
        if let expected = credentials.juspayMerchantID, merchantID != expected {
            router.state.withLock { $0.stats.rejectedAuth += 1 }
            return Self.unauthorized("The merchant id does not match the API key.")
        }
        guard let routingID = request.header("x-routing-id"), !routingID.isEmpty else {
            return Self.invalidInput(field: "x-routing-id", "Missing field or Invalid Value")
        }
        return nil
    }

    /// The user name of a `Basic` credential whose password is empty, or `nil`.
    static func basicAuthUser(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, HTTPText.equalsIgnoringCase(parts[0], "basic"),
            let decoded = Data(base64Encoded: String(HTTPText.trimmed(parts[1]))),
            let text = String(data: decoded, encoding: .utf8), text.hasSuffix(":")
        else { return nil }
        let user = text.dropLast()
        // The password must be empty: the header is `Basic base64(api_key + ":")` (FACTS.md §1.1).
        return user.contains(":") ? nil : String(user)
    }

    static func isFormContentType(_ value: String) -> Bool {
        HTTPText.isMediaType(value, "application/x-www-form-urlencoded")
    }

    /// Field names and values; `nil` when the form is acceptable.
    ///
    /// Refused: an empty form (the current docs tag `amount` "Required"; whether Juspay still requires it
    /// is NOT CONFIRMED, so only an update with no field at all is refused), a name outside `amount`,
    /// the 22 address fields and `udf1`…`udf10`, a repeated name, an amount that is not positive with at
    /// most two decimals, and a udf longer than 255 characters.
    static func validate(_ pairs: [(name: String, value: String)]) -> EmulatorResponse? {
        guard !pairs.isEmpty else { return invalidInput(field: "amount", "Missing field or Invalid Value") }
        var seen = Set<String>()
        for (name, value) in pairs {
            guard JuspayFields.updatable.contains(name) else {
                return invalidInput(field: name, "Field cannot be updated")
            }
            guard seen.insert(name).inserted else { return invalidInput(field: name, "Duplicate field") }
            if name == "amount", !JuspayOrder.isValidAmount(value) {
                return invalidInput(field: "amount", "Invalid amount")
            }
            if name.hasPrefix("udf"), value.count > 255 {
                return invalidInput(field: name, "Value longer than 255 characters")
            }
        }
        return nil
    }

    /// The stored order, created in status `NEW` under ``EmulatorUnknownOrders/create``, else `nil`.
    private static func order(
        _ orderID: String, in state: inout EmulatorState, unknownOrders: EmulatorUnknownOrders, now: Double
    ) -> JuspayOrder? {
        let juspay = state.orders.state(JuspayEmulatorState.self)
        if let order = juspay.orders[orderID] { return order }
        guard unknownOrders == .create else { return nil }
        let order = JuspayOrder(orderID: orderID, status: .new, amount: "100", merchantID: nil, now: now)
        juspay.orders[orderID] = order
        return order
    }

    // MARK: - Bodies

    /// 401 with Juspay's documented body (FACTS.md §1.4).
    static func unauthorized(_ message: String) -> EmulatorResponse {
        .json(
            401,
            .object([
                ("status", .string("error")),
                ("error_code", .string("access_denied")),
                (
                    "error_info",
                    .object([
                        ("user_message", .string(message)),
                        ("developer_message", .string(message)),
                        ("code", .string("UNAUTHORIZED")),
                        ("category", .string("USER_ERROR")),
                    ])
                ),
            ]))
    }

    /// 400 in the documented INVALID_REQUEST format, naming one field (FACTS.md §1.5).
    static func invalidInput(field: String, _ reason: String) -> EmulatorResponse {
        .json(
            400,
            .object([
                ("error_message", .string("Bad Request.")),
                ("status", .string("Bad Request")),
                ("error_code", .string("INVALID_REQUEST")),
                (
                    "error_info",
                    .object([
                        ("user_message", .string("Invalid input data")),
                        ("fields", .array([.object([("field_name", .string(field)), ("reason", .string(reason))])])),
                        ("developer_message", .string("Invalid input data")),
                        ("code", .string("INVALID_INPUT")),
                        ("category", .string("USER_ERROR")),
                    ])
                ),
            ]))
    }

    /// 400 `NOT_FOUND`, Juspay's documented Order Status body for an unknown order (FACTS.md §1.4).
    static func notFound(_ orderID: String) -> EmulatorResponse {
        .json(
            400,
            .object([
                ("status", .string("NOT_FOUND")),
                (
                    "error_info",
                    .object([
                        ("user_message", .string("Order Not Found")),
                        ("developer_message", .string("Order Not Found")),
                        ("code", .string("RESOURCE_NOT_FOUND")),
                        ("category", .string("USER_ERROR")),
                    ])
                ),
                ("status_id", .number("40")),
                ("order_id", .string(orderID)),
            ]))
    }

    /// 400 `INVALID_ACTION` for an update of an order past `NEW`.
    ///
    /// The code and its example "update on a charged order" are from Juspay's error-code list; the
    /// exact body Update Order sends is NOT CONFIRMED (FACTS.md §1.5), so the documented 4xx shape is used.
    static func invalidAction(_ order: JuspayOrder) -> EmulatorResponse {
        let message =
            "Update on a \(order.status.rawValue.lowercased()) order is not allowed "
            + "(order \(order.orderID) is \(order.status.rawValue), updates need NEW)"
        return actionError(code: "INVALID_ACTION", message)
    }

    /// 400 `DUPLICATE_REQUEST`: "another request for the same identifier is already in process".
    /// Body shape NOT CONFIRMED, as for ``invalidAction(_:)``.
    static func duplicateRequest(_ orderID: String) -> EmulatorResponse {
        actionError(code: "DUPLICATE_REQUEST", "Another request for order \(orderID) is already in process")
    }

    private static func actionError(code: String, _ message: String) -> EmulatorResponse {
        .json(
            400,
            .object([
                ("error_message", .string(message)),
                ("status", .string("Bad Request")),
                ("error_code", .string(code)),
                (
                    "error_info",
                    .object([
                        ("user_message", .string(message)),
                        ("developer_message", .string(message)),
                        ("code", .string(code)),
                        ("category", .string("USER_ERROR")),
                    ])
                ),
            ]))
    }

    /// An injected 503 or 429. Juspay documents no body for these (NOT CONFIRMED); the emulator uses the
    /// older `{"status","error_code","error_message"}` shape that FACTS.md §1.5 says clients must handle.
    static func serviceError(_ status: Int, _ message: String) -> EmulatorResponse {
        .json(
            status,
            .object([
                ("status", .string("error")),
                ("error_code", .string(status == 429 ? "too_many_requests" : "service_unavailable")),
                ("error_message", .string(message)),
            ]))
    }
}
