import Foundation
import ProviderRules

/// Rapyd: `POST /v1/orders/{order}` (Update an Order) and `GET /v1/orders/{order}` (Retrieve an Order),
/// as documented in rapyd-update-order.md and FACTS.md §2.
///
/// Checks run in this order: the WAF windows (429), the four auth headers (400
/// `MISSING_AUTHENTICATION_HEADERS`), the access key (401), the timestamp (401), the signature (401),
/// then for an update: the `idempotency` key, the body, the order, and the status rules (400).
struct RapydRoutes {
    let router: EmulatorRouter

    /// How far in the future a timestamp may be, in seconds, to allow for clock skew. Rapyd says the
    /// timestamp must not be in the future; a few seconds of skew is this emulator's allowance.
    static let allowedFutureSkew: Double = 5
    /// How old a timestamp may be, in seconds (FACTS.md §2.4).
    static let maximumAge: Double = 60

    /// The code for an update refused by a field or status rule, or a malformed update body.
    /// NOT CONFIRMED: Rapyd documents no code for these (FACTS.md §2.3, §2.6).
    static let updateRefusedCode = "ERROR_UPDATE_ORDER"
    /// The code for an `idempotency` key reused with a different body. NOT CONFIRMED: Rapyd documents
    /// no such refusal (with idempotency enabled it compares only the header).
    static let idempotencyConflictCode = "ERROR_IDEMPOTENCY_KEY_REUSED"

    /// Allowed `status` changes, from Rapyd's order finite-state diagram (FACTS.md §2.3), except
    /// `created → pending`, which only Pay an Order makes. The update field rules
    /// (``RapydOrderStatus/updatableFields``) apply first, so `partial` and `returned`, which may not
    /// update `status` at all, never reach their transitions here.
    static let transitions: [RapydOrderStatus: Set<RapydOrderStatus>] = [
        .pending: [.paid, .canceled],
        .paid: [.fulfilled, .partial],
        .partial: [.fulfilled, .returned],
        .fulfilled: [.returned],
        .returned: [.canceled],
    ]

    // MARK: - Routes

    /// Update an Order.
    func update(_ request: EmulatorRequest, orderID: String?) -> (EmulatorResponse, (@Sendable () -> Void)?) {
        if let refusal = admit(request) { return (refusal, nil) }
        let accessKey = request.header("access_key") ?? ""
        let idempotencyKey = request.header("idempotency").flatMap { $0.isEmpty ? nil : $0 }
        let bodyDigest = EmulatorDigest.sha256(request.body)
        let parsed = Self.parseUpdate(request)
        let now = router.clock()
        let configuration = router.configuration
        let response = router.state.withLock { state -> EmulatorResponse in
            // Checked again here, where updates are counted, so "revoke after N" lets exactly N through.
            if let refusal = EmulatorRouter.revokedUpdateRefusal(RapydEmulator(), in: &state) { return refusal }
            let rapyd = state.orders.state(RapydEmulatorState.self)
            if let idempotencyKey {
                let lookup = rapyd.idempotency.lookup(
                    scope: accessKey, key: idempotencyKey, bodyDigest: bodyDigest, now: now)
                if lookup == .differentBody { state.stats.keysReusedWithDifferentBody += 1 }
                if configuration.idempotency {
                    switch lookup {
                    case .new: break
                    case .sameBody(let first):
                        state.stats.idempotentReplays += 1
                        return first
                    case .differentBody:
                        state.stats.idempotencyConflicts += 1
                        return Self.error(
                            400, code: Self.idempotencyConflictCode,
                            "The idempotency key '\(idempotencyKey)' was already used with a different request "
                                + "body. Corrective action: Use a new idempotency key for a different request.")
                    }
                }
            }
            let response = Self.apply(parsed, orderID: orderID, to: &state, configuration: configuration, now: now)
            if let idempotencyKey {
                rapyd.idempotency.store(
                    scope: accessKey, key: idempotencyKey, bodyDigest: bodyDigest, response: response, now: now)
            }
            return response
        }
        return (response, nil)
    }

    /// Retrieve an Order.
    func retrieve(_ request: EmulatorRequest, orderID: String?) -> (EmulatorResponse, (@Sendable () -> Void)?) {
        if let refusal = admit(request) { return (refusal, nil) }
        let now = router.clock()
        let unknownOrders = router.configuration.unknownOrders
        let response = router.state.withLock { state in
            guard let orderID, let order = Self.order(orderID, in: &state, unknownOrders: unknownOrders, now: now)
            else { return Self.orderNotFound(orderID) }
            return Self.success(order.json)
        }
        return (response, nil)
    }

    // MARK: - Admission: WAF, headers, signature

    /// The refusal for a request that may not proceed, or `nil`.
    private func admit(_ request: EmulatorRequest) -> EmulatorResponse? {
        let configuration = router.configuration
        let now = router.clock()
        if configuration.rateLimits {
            let key = request.header("access_key") ?? ""
            let admitted = router.state.withLock { state in
                let admitted = state.orders.state(RapydEmulatorState.self).rateLimiter.admit(key: key, now: now)
                if !admitted { state.stats.rateLimited += 1 }
                return admitted
            }
            // Rapyd documents no Retry-After on its WAF 429 (FACTS.md §2.6), so none is sent here.
            guard admitted else {
                return Self.error(
                    429, code: "TOO_MANY_REQUESTS",
                    "Too many requests. Corrective action: Send at most 200 requests per minute and 1000 per 5 minutes."
                )
            }
        }
        guard let accessKey = request.header("access_key"), !accessKey.isEmpty,
            let salt = request.header("salt"), !salt.isEmpty,
            let timestamp = request.header("timestamp"), !timestamp.isEmpty, timestamp.allSatisfy(\.isASCIIDigit),
            let seconds = Double(timestamp),
            let signature = request.header("signature"), !signature.isEmpty
        else {
            router.state.withLock { $0.stats.rejectedAuth += 1 }
            return Self.error(
                400, code: "MISSING_AUTHENTICATION_HEADERS",
                "The request did not contain the required headers for authentication. Corrective action: Add "
                    + "authentication headers: access_key, salt, timestamp (numeric) and signature.")
        }
        guard accessKey == configuration.credentials.rapydAccessKey else {
            router.state.withLock { $0.stats.rejectedAuth += 1 }
            return Self.unauthenticated("The access key is not valid.")
        }
        guard seconds <= now + Self.allowedFutureSkew, now - seconds <= Self.maximumAge else {
            router.state.withLock { $0.stats.rejectedTimestamps += 1 }
            return Self.unauthenticated(
                "The timestamp \(timestamp) is more than \(Int(Self.maximumAge)) seconds old or in the future.")
        }
        let check = RapydSignatureCheck(
            method: request.method, urlPath: request.uri, salt: salt, timestamp: timestamp, accessKey: accessKey,
            secretKey: configuration.credentials.rapydSecretKey, body: request.body)
        guard check.accepts(signature: signature) else {
            router.state.withLock { $0.stats.rejectedSignatures += 1 }
            return Self.unauthenticated("The signature does not match.")
        }
        return nil
    }

    // MARK: - Update body and rules

    /// The members of an update body, or the 400 that refuses it.
    ///
    /// An empty body is the empty update (Rapyd's reference signer sends `""` for `{}`).
    static func parseUpdate(_ request: EmulatorRequest) -> Result<[(String, EmulatorJSON)], RefusedUpdate> {
        guard !request.body.isEmpty else { return .success([]) }
        guard HTTPText.isMediaType(request.header("content-type"), "application/json") else {
            return .failure(refused("Content-Type must be application/json."))
        }
        let value: EmulatorJSON
        do {
            value = try EmulatorJSON.parse(request.body)
        } catch {
            return .failure(refused("The request body is not valid JSON: \(error.description)."))
        }
        guard case .object(let members) = value else { return .failure(refused("The request body must be an object.")) }
        for (key, value) in members {
            switch (key, value) {
            case ("coupon", .string), ("metadata", .object): continue
            case ("tax_percent", .number):
                guard let percent = value.doubleValue, (0...100).contains(percent) else {
                    return .failure(refused("tax_percent must be a number from 0 to 100."))
                }
            case ("status", .string(let text)):
                guard RapydOrderStatus(rawValue: text) != nil else {
                    return .failure(refused("status '\(text)' is not an order status."))
                }
            case _ where RapydOrderStatus.anyUpdatableField.contains(key):
                return .failure(refused("The field '\(key)' has the wrong type."))
            default:
                return .failure(refused("The field '\(key)' cannot be updated on an order."))
            }
        }
        return .success(members)
    }

    /// A refused update body, wrapped so it can travel in a `Result`.
    struct RefusedUpdate: Error {
        var response: EmulatorResponse
    }

    private static func refused(_ message: String) -> RefusedUpdate {
        RefusedUpdate(
            response: error(400, code: updateRefusedCode, message + " Corrective action: Fix the request body."))
    }

    /// Applies a parsed update to the order under the lock.
    private static func apply(
        _ parsed: Result<[(String, EmulatorJSON)], RefusedUpdate>, orderID: String?, to state: inout EmulatorState,
        configuration: EmulatorConfiguration, now: Double
    ) -> EmulatorResponse {
        let members: [(String, EmulatorJSON)]
        switch parsed {
        case .failure(let refusal): return refusal.response
        case .success(let value): members = value
        }
        guard let orderID,
            var order = order(orderID, in: &state, unknownOrders: configuration.unknownOrders, now: now)
        else { return orderNotFound(orderID) }
        for (key, value) in members {
            guard order.status.updatableFields.contains(key) else {
                state.stats.statusRuleRejections += 1
                return error(
                    400, code: updateRefusedCode,
                    "The field '\(key)' cannot be updated when the order status is '\(order.status.rawValue)'. "
                        + "Corrective action: Update only "
                        + (order.status.updatableFields.isEmpty
                            ? "nothing; an order in this status cannot be updated."
                            : order.status.updatableFields.sorted().joined(separator: ", ") + "."))
            }
            if key == "status", let target = value.stringValue.flatMap(RapydOrderStatus.init(rawValue:)),
                target != order.status, !(transitions[order.status] ?? []).contains(target)
            {
                state.stats.statusRuleRejections += 1
                return error(
                    400, code: updateRefusedCode,
                    "The order status cannot change from '\(order.status.rawValue)' to '\(target.rawValue)'. "
                        + "Corrective action: Follow the order state diagram.")
            }
        }
        let timestamp = Int(now)
        for (key, value) in members {
            switch key {
            case "metadata": order.metadata = value
            case "tax_percent": order.taxPercent = value
            case "coupon": order.coupon = value.stringValue
            case "status":
                if let target = value.stringValue.flatMap(RapydOrderStatus.init(rawValue:)), target != order.status {
                    order.status = target
                    order.statusTransitions[target] = timestamp
                }
            default: break
            }
        }
        order.updated = timestamp
        state.orders.state(RapydEmulatorState.self).orders[orderID] = order
        state.countApplied(orderID: orderID)
        return success(order.json)
    }

    /// The stored order, created in status `created` under ``EmulatorUnknownOrders/create``, else `nil`.
    private static func order(
        _ orderID: String, in state: inout EmulatorState, unknownOrders: EmulatorUnknownOrders, now: Double
    ) -> RapydOrder? {
        let rapyd = state.orders.state(RapydEmulatorState.self)
        if let order = rapyd.orders[orderID] { return order }
        guard unknownOrders == .create else { return nil }
        let order = RapydOrder(id: orderID, status: .created, now: now)
        rapyd.orders[orderID] = order
        return order
    }

    // MARK: - Envelope

    /// 200 with `{"status":{…SUCCESS…},"data":…}` (FACTS.md §2.6).
    static func success(_ data: EmulatorJSON) -> EmulatorResponse {
        .json(200, .object([("status", statusObject(code: "", status: "SUCCESS", message: "")), ("data", data)]))
    }

    /// An error in Rapyd's envelope: only `status`, with `error_code` equal to `response_code`.
    static func error(_ httpStatus: Int, code: String, _ message: String) -> EmulatorResponse {
        .json(httpStatus, .object([("status", statusObject(code: code, status: "ERROR", message: message))]))
    }

    static func unauthenticated(_ cause: String) -> EmulatorResponse {
        error(
            401, code: "UNAUTHENTICATED_API_CALL",
            "The request was not authenticated: \(cause) Corrective action: (1) Remove all whitespace that is not "
                + "inside a string. (2) Remove trailing zeroes and decimal points, or wrap numbers in a string. "
                + "(3) Check the access key, secret key, timestamp and signature.")
    }

    private static func orderNotFound(_ orderID: String?) -> EmulatorResponse {
        error(
            400, code: "ERROR_GET_ORDER",
            "The request tried to retrieve an order, but the order was not found. The request used order ID "
                + "'\(orderID ?? "")'. Corrective action: Use the ID of a valid order, starting with 'order_'.")
    }

    private static func statusObject(code: String, status: String, message: String) -> EmulatorJSON {
        .object([
            ("error_code", .string(code)),
            ("status", .string(status)),
            ("message", .string(message)),
            ("response_code", .string(code)),
            ("operation_id", .string(UUID().uuidString.lowercased())),
        ])
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
