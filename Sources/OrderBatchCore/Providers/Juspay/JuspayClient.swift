import Foundation
import ProviderRules

/// Juspay Express Checkout's wire client: Update Order (`POST /orders/{order_id}`) and Order
/// Status (`GET /orders/{order_id}`), FACTS.md §1.
///
/// What goes on the wire for an update:
///
/// ```
/// POST {baseURL}/orders/{order_id, percent-encoded as one path segment}
/// Authorization: Basic base64(api_key + ":")
/// x-merchantid: {merchantID}
/// x-routing-id: {update.routingID}
/// Content-Type: application/x-www-form-urlencoded
/// Accept: application/json
///
/// amount=90.5&udf1=a%26b&billing_address_city=S%C3%A3o+Paulo
/// ```
///
/// The body is `amount` (plain decimal, no exponent, no trailing zeros) then each field in input
/// order, form-encoded by ``FormEncoding``. Order Status sends the same headers without a body or
/// Content-Type, plus `version` when ``Configuration/apiVersion`` is set.
///
/// Classification (``JuspayResponse``): 2xx is success unless the returned `amount` differs from the
/// one sent (`AMOUNT_MISMATCH`, permanent); 401 is `UNAUTHORIZED` (permanent); 400 with
/// `status: NOT_FOUND` / `status_id: 40` is `NOT_FOUND` (permanent); `DUPLICATE_REQUEST` is
/// retryable; everything else follows ``OutcomeClassifier``.
public struct JuspayClient: ProviderClient {
    /// Where and as whom to call Juspay.
    public struct Configuration: Sendable {
        /// `https://api.juspay.in`, `https://sandbox.juspay.in`, `https://api.juspay.io`, … (region
        /// specific, FACTS.md §1.1); a path prefix is kept.
        public var baseURL: String
        /// Sent as `x-merchantid`.
        public var merchantID: String
        /// The API key: the Basic-auth user name (the password is empty).
        public var apiKey: Secret
        /// Whether ``JuspayClient/preflight(_:timeoutMilliseconds:)`` reads the order status; when
        /// `false` it answers ``PreflightResult/proceed`` without a request.
        public var preflight: Bool
        /// The order statuses in which an update is sent; any other status is skipped by preflight.
        public var updatableStatuses: Set<String>
        /// The `version` header (`YYYY-MM-DD`) for Order Status, or `nil` to send none.
        public var apiVersion: String?

        /// The statuses updatable by default: `NEW` only, because Juspay advises against updating
        /// once a transaction has started (``JuspayOrderStatus/updatableByDefault``).
        public static let defaultUpdatableStatuses: Set<String> = Set(
            JuspayOrderStatus.allCases.filter(\.updatableByDefault).map(\.rawValue))

        /// Creates a configuration.
        public init(
            baseURL: String, merchantID: String, apiKey: Secret, preflight: Bool = true,
            updatableStatuses: Set<String> = Configuration.defaultUpdatableStatuses, apiVersion: String? = nil
        ) {
            self.baseURL = baseURL
            self.merchantID = merchantID
            self.apiKey = apiKey
            self.preflight = preflight
            self.updatableStatuses = updatableStatuses
            self.apiVersion = apiVersion
        }
    }

    /// The configuration this client sends with.
    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let scrubber: CredentialScrubber
    /// The `Authorization` header value, ``basicToken(apiKey:)``, computed once: every request sends it. A
    /// ``Secret``, so that describing the client never shows it.
    private let authorization: Secret
    /// The current time, for `Retry-After` dates.
    let clock: @Sendable () -> Date

    /// Creates a client that sends through `transport`.
    ///
    /// - Parameters:
    ///   - configuration: Base URL, merchant id, API key and preflight policy.
    ///   - transport: The transport every request goes through.
    public init(configuration: Configuration, transport: any HTTPTransport) {
        self.init(configuration: configuration, transport: transport, clock: { Date() })
    }

    init(configuration: Configuration, transport: any HTTPTransport, clock: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        let key = configuration.apiKey.reveal()
        let authorization = Self.basicToken(apiKey: configuration.apiKey)
        self.authorization = Secret(authorization)
        scrubber = CredentialScrubber([key, authorization])
    }

    // MARK: - ProviderClient

    public func send(_ item: OutboundItem, timeoutMilliseconds: Int) async -> Outcome {
        let update: JuspayUpdate
        let request: HTTPRequest
        do {
            update = try decode(item)
            request = try updateRequest(update, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            return scrubber.scrub(error.outcome)
        }
        switch await OutcomeClassifier.exchange(request, via: transport) {
        case .failure(let error):
            return scrubber.scrub(OutcomeClassifier.transportFailure(error))
        case .success(let response) where (200...299).contains(response.status):
            return scrubber.scrub(JuspayResponse.updateSuccess(response, requested: update.amount))
        case .success(let response):
            return scrubber.scrub(JuspayResponse.failure(response, orderID: update.orderID, now: clock()))
        }
    }

    public func preflight(_ item: OutboundItem, timeoutMilliseconds: Int) async -> PreflightResult {
        guard configuration.preflight else { return .proceed }
        let order: JSONValue
        let response: HTTPResponse
        do {
            (_, order, response) = try await readOrder(item, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            return scrubber.scrub(.failed(error.outcome))
        }
        guard let status = order["status"]?.stringValue else {
            return .failed(
                OutcomeClassifier.unreadableSuccess(response, detail: "the order has no status", afterUpdate: false))
        }
        guard configuration.updatableStatuses.contains(status) else {
            return scrubber.scrub(
                .skip(
                    reason: "order status is \(status); Juspay advises against updating once a transaction "
                        + "has started (preflight)"))
        }
        return .proceed
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
        let request: HTTPRequest
        do {
            request = try updateRequest(try decode(item), timeoutMilliseconds: 1)
        } catch {
            return scrubber.scrub(
                "cannot build the request for order \(item.orderID): \(error.outcome.message ?? "invalid update")")
        }
        return RequestDescription.render(request, masked: ["authorization"], replacement: { _ in "Basic ***" })
    }

    public func describeStatusRead(_ item: OutboundItem) -> String {
        let request: HTTPRequest
        do {
            request = try statusRequest(try decode(item), timeoutMilliseconds: 1)
        } catch {
            return scrubber.scrub(
                "cannot build the request for order \(item.orderID): \(error.outcome.message ?? "invalid update")")
        }
        return RequestDescription.render(request, masked: ["authorization"], replacement: { _ in "Basic ***" })
    }

    // MARK: - Requests

    /// The `Authorization` header value: `Basic base64(api_key + ":")`.
    static func basicToken(apiKey: Secret) -> String {
        "Basic " + Data((apiKey.reveal() + ":").utf8).base64EncodedString()
    }

    /// `{baseURL}/orders/{encoded order id}`.
    func orderURL(_ orderID: String) -> String {
        PathSegment.join(base: configuration.baseURL, path: "/orders/" + PathSegment.encode(orderID))
    }

    /// The headers both calls start with, in order, with room for `extra` more.
    private func commonHeaders(routingID: String, extra: Int) throws(EarlyOutcome) -> [(name: String, value: String)] {
        if !HeaderValue.isSendable(configuration.merchantID) { throw Self.unsendable("x-merchantid") }
        if !HeaderValue.isSendable(routingID) { throw Self.unsendable("x-routing-id") }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(3 + extra)
        headers.append(("Authorization", authorization.reveal()))
        headers.append(("x-merchantid", configuration.merchantID))
        headers.append(("x-routing-id", routingID))
        return headers
    }

    /// The outcome of a header value that cannot be sent.
    private static func unsendable(_ name: String) -> EarlyOutcome {
        EarlyOutcome(
            Outcome(
                kind: .permanent, errorCode: "INVALID_HEADER_VALUE",
                message: "the \(name) value is empty or contains a control character; fix it and send again"))
    }

    /// The Update Order request for `update`.
    func updateRequest(_ update: JuspayUpdate, timeoutMilliseconds: Int) throws(EarlyOutcome) -> HTTPRequest {
        var headers = try commonHeaders(routingID: update.routingID, extra: 2)
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        headers.append(("Accept", "application/json"))
        var body = FormEncoding.Body()
        body.append(name: "amount", value: update.amountText)
        for field in update.fields { body.append(name: field.name, value: field.value) }
        return HTTPRequest(
            method: .post, url: orderURL(update.orderID), headers: headers, body: body.bytes,
            timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The Order Status request for `update`'s order.
    func statusRequest(_ update: JuspayUpdate, timeoutMilliseconds: Int) throws(EarlyOutcome) -> HTTPRequest {
        var headers = try commonHeaders(routingID: update.routingID, extra: 2)
        headers.append(("Accept", "application/json"))
        if let version = configuration.apiVersion, HeaderValue.isSendable(version) {
            headers.append(("version", version))
        }
        return HTTPRequest(
            method: .get, url: orderURL(update.orderID), headers: headers, timeoutMilliseconds: timeoutMilliseconds)
    }

    // MARK: - Helpers

    /// The item's ``JuspayUpdate``.
    ///
    /// - Throws: A permanent `CORRUPT_PAYLOAD` outcome when the payload does not decode or names
    ///   another order.
    func decode(_ item: OutboundItem) throws(EarlyOutcome) -> JuspayUpdate {
        try JuspayUpdate.decoded(from: item, provider: "Juspay")
    }

    /// Reads the order with Order Status.
    ///
    /// - Returns: The update, the order object and the response.
    /// - Throws: The outcome of a failed read (never `mayHaveBeenApplied`: a read applies nothing).
    private func readOrder(
        _ item: OutboundItem, timeoutMilliseconds: Int
    ) async throws(EarlyOutcome) -> (JuspayUpdate, JSONValue, HTTPResponse) {
        let update = try decode(item)
        let request = try statusRequest(update, timeoutMilliseconds: timeoutMilliseconds)
        switch await OutcomeClassifier.exchange(request, via: transport) {
        case .failure(let error):
            var outcome = OutcomeClassifier.transportFailure(error)
            outcome.mayHaveBeenApplied = false
            throw EarlyOutcome(outcome)
        case .success(let response) where (200...299).contains(response.status):
            return (update, try JuspayResponse.order(response, afterUpdate: false), response)
        case .success(let response):
            throw EarlyOutcome(JuspayResponse.failure(response, orderID: update.orderID, now: clock()))
        }
    }

    /// Whether `order` (an Order Status body) shows `update`: the amount is equal as a decimal, and
    /// every sent field that the order echoes has the sent value. Fields the order does not echo
    /// (Juspay's sample echoes only the UDFs) cannot be checked and are not held against it.
    static func isInEffect(_ update: JuspayUpdate, in order: JSONValue) -> Bool {
        guard let amount = order["amount"]?.decimalValue, amount == update.amount else { return false }
        for field in update.fields {
            guard let echoed = order[field.name] else { continue }
            guard echoed.stringValue == field.value else { return false }
        }
        return true
    }
}
