import Foundation
import ProviderRules

/// Rapyd's wire client: Update an Order (`POST /v1/orders/{order}`) and Retrieve an Order
/// (`GET /v1/orders/{order}`), FACTS.md §2.
///
/// What goes on the wire for an update:
///
/// ```
/// POST {baseURL}/v1/orders/{order id, percent-encoded as one path segment}
/// access_key: {accessKey}
/// salt: {16 random letters and digits, fresh per attempt}
/// timestamp: {Unix seconds, taken just before sending, minus timestampLagSeconds}
/// signature: {RapydSignature over "post", the path, salt, timestamp, keys and the body}
/// idempotency: {item.idempotencyKey}
/// Content-Type: application/json
///
/// {"coupon":"coupon_1","metadata":{"batch":"b1"},"status":"paid","tax_percent":13.5}
/// ```
///
/// The body is compact JSON (``JSONValue/compactText``, what `JSON.stringify` writes), members in
/// the fixed order ``RapydUpdate/fieldNames`` (coupon, metadata, status, tax_percent), metadata
/// verbatim, `tax_percent` a JSON number without trailing zeros (`10`, `13.5`). The string that
/// is signed is byte for byte the body sent. An update with no field sends an empty body and
/// signs `""`, as Rapyd's reference signer does for `{}`.
///
/// **The signed `url_path`** is the API path relative to the base URL (`/v1/orders/…`), even when
/// the base URL has a path prefix (`https://gateway.example/rapyd`): Rapyd defines `url_path` as
/// everything after its base URI, and its API lives at `/v1`, so a prefix can only belong to a
/// gateway that strips it before Rapyd sees the request. Against Rapyd's own hosts (no prefix)
/// the two readings agree.
///
/// Classification (``RapydResponse``): 2xx `SUCCESS` is success; 401 is permanent with advice
/// (`UNAUTHENTICATED_API_CALL`: keys or clock; `UNAUTHORIZED_API_CALL`: base URL); everything else
/// follows ``OutcomeClassifier`` (so 400 `ERROR_GET_ORDER` is permanent, 429 retryable).
public struct RapydClient: ProviderClient {
    /// Where and as whom to call Rapyd.
    public struct Configuration: Sendable {
        /// `https://api.rapyd.net` or `https://sandboxapi.rapyd.net` (FACTS.md §2.1).
        public var baseURL: String
        /// Sent as `access_key` and signed.
        public var accessKey: Secret
        /// The HMAC key, also part of the signed text; never sent.
        public var secretKey: Secret
        /// Whether ``RapydClient/preflight(_:timeoutMilliseconds:)`` reads the order and applies the
        /// status rules; when `false` it answers ``PreflightResult/proceed`` without a request.
        public var preflight: Bool
        /// Whether updates carry the `idempotency` header (the item's idempotency key).
        public var sendIdempotencyHeader: Bool
        /// Seconds subtracted from the clock for `timestamp`, so that a local clock slightly ahead of
        /// Rapyd's is not refused as "in the future". Rapyd's own Postman script uses 10 (FACTS.md
        /// §2.4); Rapyd refuses timestamps older than 60 s, so keep it well below that.
        public var timestampLagSeconds: Int64

        /// Creates a configuration.
        public init(
            baseURL: String, accessKey: Secret, secretKey: Secret, preflight: Bool = true,
            sendIdempotencyHeader: Bool = true, timestampLagSeconds: Int64 = 10
        ) {
            self.baseURL = baseURL
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.preflight = preflight
            self.sendIdempotencyHeader = sendIdempotencyHeader
            self.timestampLagSeconds = timestampLagSeconds
        }
    }

    /// One call before signing: method, path relative to the base URL, body text, idempotency key.
    struct Call: Equatable {
        var method: HTTPRequest.Method
        /// Percent-encoded, starting with `/v1`; this is the signed `url_path`.
        var path: String
        /// The body exactly as sent and signed (`""` for none).
        var body: String
        var idempotencyKey: String?
    }

    /// The configuration this client sends with.
    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let scrubber: CredentialScrubber
    /// The current time, for `timestamp` and `Retry-After` dates.
    let clock: @Sendable () -> Date

    /// Creates a client that sends through `transport`.
    ///
    /// - Parameters:
    ///   - configuration: Base URL, keys and preflight policy.
    ///   - transport: The transport every request goes through.
    public init(configuration: Configuration, transport: any HTTPTransport) {
        self.init(configuration: configuration, transport: transport, clock: { Date() })
    }

    init(configuration: Configuration, transport: any HTTPTransport, clock: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        scrubber = CredentialScrubber([configuration.accessKey.reveal(), configuration.secretKey.reveal()])
    }

    // MARK: - ProviderClient

    public func send(_ item: OutboundItem, timeoutMilliseconds: Int) async -> Outcome {
        let response: HTTPResponse
        do {
            let call = try updateCall(try decode(item), idempotencyKey: item.idempotencyKey)
            let request = try signedRequest(call, timeoutMilliseconds: timeoutMilliseconds)
            switch await OutcomeClassifier.exchange(request, via: transport) {
            case .failure(let error): return scrubber.scrub(OutcomeClassifier.transportFailure(error))
            case .success(let value): response = value
            }
            _ = try RapydResponse.data(response, afterUpdate: true, now: clock())
        } catch {
            return scrubber.scrub(error.outcome)
        }
        return Outcome(kind: .succeeded, httpStatus: response.status, latencyMilliseconds: response.latencyMilliseconds)
    }

    public func preflight(_ item: OutboundItem, timeoutMilliseconds: Int) async -> PreflightResult {
        guard configuration.preflight else { return .proceed }
        do {
            let (update, order, response) = try await readOrder(item, timeoutMilliseconds: timeoutMilliseconds)
            guard let text = order["status"]?.stringValue else {
                return .failed(
                    OutcomeClassifier.unreadableSuccess(response, detail: "the order has no status", afterUpdate: false)
                )
            }
            // A status this client does not know: Rapyd is the authority, so let it decide.
            guard let status = RapydOrderStatus(rawValue: text) else { return .proceed }
            return Self.statusRule(update, status: status)
        } catch {
            return scrubber.scrub(.failed(error.outcome))
        }
    }

    public func reconcile(_ item: OutboundItem, timeoutMilliseconds: Int) async -> Reconciliation {
        do {
            let (update, order, _) = try await readOrder(item, timeoutMilliseconds: timeoutMilliseconds)
            return Self.isInEffect(update, in: order) ? .inEffect : .notInEffect
        } catch {
            return scrubber.scrub(.failed(error.outcome))
        }
    }

    public func describe(_ item: OutboundItem) -> String {
        let call: Call
        do {
            call = try updateCall(try decode(item), idempotencyKey: item.idempotencyKey)
        } catch {
            return scrubber.scrub(
                "cannot build the request for order \(item.orderID): \(error.outcome.message ?? "invalid update")")
        }
        let request = self.request(
            call, salt: RequestDescription.mask, timestamp: "<Unix seconds when sent>",
            signature: RequestDescription.mask, timeoutMilliseconds: 1)
        return RequestDescription.render(request, masked: ["access_key", "salt", "signature"])
    }

    public func describeStatusRead(_ item: OutboundItem) -> String {
        let update: RapydUpdate
        do {
            update = try decode(item)
        } catch {
            return scrubber.scrub(
                "cannot build the request for order \(item.orderID): \(error.outcome.message ?? "invalid update")")
        }
        let call = Call(method: .get, path: Self.orderPath(update.orderID), body: "", idempotencyKey: nil)
        let request = self.request(
            call, salt: RequestDescription.mask, timestamp: "<Unix seconds when sent>",
            signature: RequestDescription.mask, timeoutMilliseconds: 1)
        return RequestDescription.render(request, masked: ["access_key", "salt", "signature"])
    }

    // MARK: - Requests

    /// The Update an Order call for `update`.
    ///
    /// - Throws: `CORRUPT_PAYLOAD` when `tax_percent` has no JSON number form.
    func updateCall(_ update: RapydUpdate, idempotencyKey: String) throws(EarlyOutcome) -> Call {
        Call(
            method: .post, path: Self.orderPath(update.orderID), body: try Self.body(update),
            idempotencyKey: configuration.sendIdempotencyHeader ? idempotencyKey : nil)
    }

    /// `/v1/orders/{encoded order id}`.
    static func orderPath(_ orderID: String) -> String { "/v1/orders/" + PathSegment.encode(orderID) }

    /// The update's body: compact JSON, members in ``RapydUpdate/fieldNames`` order; `""` when the
    /// update sets nothing.
    static func body(_ update: RapydUpdate) throws(EarlyOutcome) -> String {
        var members: [(key: String, value: JSONValue)] = []
        if let coupon = update.coupon { members.append(("coupon", .string(coupon))) }
        if let metadata = update.metadata { members.append(("metadata", metadata)) }
        if let status = update.status { members.append(("status", .string(status.rawValue))) }
        if let taxPercent = update.taxPercent {
            guard let number = JSONNumber(literal: taxPercent.plainText) else {
                throw EarlyOutcome(OutcomeClassifier.corruptPayload("tax_percent \(taxPercent) is not a JSON number"))
            }
            members.append(("tax_percent", .number(number)))
        }
        return members.isEmpty ? "" : JSONValue.object(members).compactText
    }

    /// `call` with fresh salt and timestamp, signed.
    ///
    /// - Throws: A retryable outcome when no random salt could be made (nothing was sent).
    func signedRequest(_ call: Call, timeoutMilliseconds: Int) throws(EarlyOutcome) -> HTTPRequest {
        let salt: String
        do {
            salt = try RapydSignature.makeSalt()
        } catch {
            throw EarlyOutcome(
                Outcome(
                    kind: .retryable(retryAfterSeconds: nil), errorCode: error.kind.rawValue, message: error.message))
        }
        let timestamp = Int64(clock().timeIntervalSince1970.rounded(.down)) - configuration.timestampLagSeconds
        let signature = RapydSignature.compute(
            method: call.method.rawValue.lowercased(), urlPath: call.path, salt: salt, timestamp: timestamp,
            accessKey: configuration.accessKey, secretKey: configuration.secretKey, body: call.body)
        return request(
            call, salt: salt, timestamp: String(timestamp), signature: signature,
            timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The request for `call` with the given authentication header values.
    private func request(
        _ call: Call, salt: String, timestamp: String, signature: String, timeoutMilliseconds: Int
    ) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("access_key", configuration.accessKey.reveal()),
            ("salt", salt),
            ("timestamp", timestamp),
            ("signature", signature),
        ]
        if let key = call.idempotencyKey { headers.append(("idempotency", key)) }
        headers.append(("Content-Type", "application/json"))
        return HTTPRequest(
            method: call.method, url: PathSegment.join(base: configuration.baseURL, path: call.path), headers: headers,
            body: Array(call.body.utf8), timeoutMilliseconds: timeoutMilliseconds)
    }

    // MARK: - Helpers

    /// The item's ``RapydUpdate``.
    ///
    /// - Throws: A permanent `CORRUPT_PAYLOAD` outcome when the payload does not decode or names
    ///   another order.
    func decode(_ item: OutboundItem) throws(EarlyOutcome) -> RapydUpdate {
        try RapydUpdate.decoded(from: item, provider: "Rapyd")
    }

    /// Reads the order with Retrieve an Order.
    ///
    /// - Returns: The update, the order (`data`) and the response.
    /// - Throws: The outcome of a failed read (never `mayHaveBeenApplied`: a read applies nothing).
    private func readOrder(
        _ item: OutboundItem, timeoutMilliseconds: Int
    ) async throws(EarlyOutcome) -> (RapydUpdate, JSONValue, HTTPResponse) {
        let update = try decode(item)
        let call = Call(method: .get, path: Self.orderPath(update.orderID), body: "", idempotencyKey: nil)
        let request = try signedRequest(call, timeoutMilliseconds: timeoutMilliseconds)
        switch await OutcomeClassifier.exchange(request, via: transport) {
        case .failure(let error):
            var outcome = OutcomeClassifier.transportFailure(error)
            outcome.mayHaveBeenApplied = false
            throw EarlyOutcome(outcome)
        case .success(let response):
            return (update, try RapydResponse.data(response, afterUpdate: false, now: clock()), response)
        }
    }

    /// Rapyd's per-status field rule (``RapydOrderStatus/updatableFields``) applied to `update`.
    static func statusRule(_ update: RapydUpdate, status: RapydOrderStatus) -> PreflightResult {
        let allowed = status.updatableFields
        let refused = update.fieldNames.filter { !allowed.contains($0) }
        guard !refused.isEmpty else { return .proceed }
        let allowedText =
            allowed.isEmpty
            ? "Rapyd allows no update of an order in status \(status.rawValue)"
            : "Rapyd allows only " + allowed.sorted().joined(separator: ", ") + " while the order is \(status.rawValue)"
        return .reject(
            errorCode: "STATUS_RULE",
            reason: refused.joined(separator: ", ") + " cannot be updated while the order is \(status.rawValue); "
                + allowedText + " (preflight)")
    }

    /// Whether `order` (Retrieve's `data`) already shows every field of `update`.
    ///
    /// - metadata: the whole object is equal (key order aside), because Rapyd's update replaces
    ///   metadata rather than merging it;
    /// - status: the order is in the target status, or its `status_transitions` shows it entered it;
    /// - coupon: the order's `coupon` is the same id (where Rapyd reports the coupon is NOT
    ///   CONFIRMED; an order without `coupon` counts as not in effect);
    /// - tax_percent: equal as a decimal (`13.5` = `13.50` = `"13.5"`).
    static func isInEffect(_ update: RapydUpdate, in order: JSONValue) -> Bool {
        if let metadata = update.metadata, order["metadata"] != metadata { return false }
        if let status = update.status {
            let entered = order["status_transitions"]?[status.rawValue]?.decimalValue.map { $0 > 0 } ?? false
            guard order["status"]?.stringValue == status.rawValue || entered else { return false }
        }
        if let coupon = update.coupon, order["coupon"]?.stringValue != coupon { return false }
        if let taxPercent = update.taxPercent, order["tax_percent"]?.decimalValue != taxPercent { return false }
        return true
    }
}
