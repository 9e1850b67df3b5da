import Foundation
import ProviderRules
import Testing

@testable import OrderBatchCore

/// Request building, signing and response classification, with canned responses (no network).
@Suite struct RapydClientTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_010)

    private func client(_ transport: any HTTPTransport, idempotency: Bool = true) -> RapydClient {
        RapydClient(
            configuration: .init(
                baseURL: "https://sandboxapi.rapyd.net", accessKey: Secret(ProviderTestKeys.rapydAccessKey),
                secretKey: Secret(ProviderTestKeys.rapydSecretKey), sendIdempotencyHeader: idempotency),
            transport: transport, clock: { Self.now })
    }

    private func decimal(_ text: String) throws -> Decimal { try #require(JSONNumber(literal: text)?.decimal) }

    private func update(
        coupon: String? = nil, metadata: String? = nil, tax: String? = nil, status: RapydOrderStatus? = nil
    ) throws -> RapydUpdate {
        RapydUpdate(
            orderID: "order_123", coupon: coupon, metadata: try metadata.map { try JSONValue.parse($0) },
            taxPercent: try tax.map(decimal), status: status)
    }

    // MARK: - Body

    @Test func bodyIsCompactWithFixedKeyOrderAndPlainNumbers() throws {
        let full = try update(
            coupon: "coupon_1", metadata: #"{ "z": [1.50, true], "a" : {"é":"/\""} }"#, tax: "13.50", status: .paid)
        #expect(
            try RapydClient.body(full)
                == #"{"coupon":"coupon_1","metadata":{"z":[1.5,true],"a":{"é":"/\""}},"status":"paid","tax_percent":13.5}"#
        )
        #expect(try RapydClient.body(update(tax: "10.00")) == #"{"tax_percent":10}"#)
        #expect(try RapydClient.body(update(tax: "10")) == #"{"tax_percent":10}"#)
        #expect(try RapydClient.body(update(tax: "0.5")) == #"{"tax_percent":0.5}"#)
        #expect(try RapydClient.body(update(metadata: "{}")) == #"{"metadata":{}}"#)
        #expect(try RapydClient.body(update()) == "")
    }

    // MARK: - Signed request

    @Test func signedRequestSignsExactlyTheBodySent() throws {
        let body = try update(metadata: #"{"batch":"b1"}"#, status: .paid)
        let c = client(CannedTransport([]))
        let call = try c.updateCall(body, idempotencyKey: "run1-seq1-g0")
        let request = try c.signedRequest(call, timeoutMilliseconds: 2000)
        #expect(request.method == .post)
        #expect(request.url == "https://sandboxapi.rapyd.net/v1/orders/order_123")
        #expect(
            request.headers.map(\.name) == [
                "access_key", "salt", "timestamp", "signature", "idempotency", "Content-Type",
            ])
        let header = { (name: String) in request.headers.first { $0.name == name }?.value ?? "" }
        #expect(header("access_key") == ProviderTestKeys.rapydAccessKey)
        #expect(header("timestamp") == "1700000000")  // clock minus the 10 s lag
        #expect(header("idempotency") == "run1-seq1-g0")
        #expect(header("Content-Type") == "application/json")
        let salt = header("salt")
        #expect(salt.count == RapydSignature.saltLength)
        let sentBody = String(decoding: request.body, as: UTF8.self)
        #expect(sentBody == #"{"metadata":{"batch":"b1"},"status":"paid"}"#)
        #expect(
            header("signature")
                == RapydSignature.compute(
                    method: "post", urlPath: "/v1/orders/order_123", salt: salt, timestamp: 1_700_000_000,
                    accessKey: Secret(ProviderTestKeys.rapydAccessKey),
                    secretKey: Secret(ProviderTestKeys.rapydSecretKey),
                    body: sentBody))
        // A fresh salt per attempt.
        let again = try c.signedRequest(call, timeoutMilliseconds: 2000)
        #expect(again.headers[1].value != salt)
        #expect(again.body == request.body)
    }

    @Test func idempotencyHeaderCanBeTurnedOff() throws {
        let c = client(CannedTransport([]), idempotency: false)
        let request = try c.signedRequest(
            try c.updateCall(update(tax: "5"), idempotencyKey: "k"), timeoutMilliseconds: 1)
        #expect(!request.headers.contains { $0.name == "idempotency" })
    }

    @Test func oddOrderIDIsOneEncodedSegmentInURLAndSignature() throws {
        var odd = try update(tax: "5")
        odd.orderID = "order_/?#% é"
        let call = try client(CannedTransport([])).updateCall(odd, idempotencyKey: "k")
        #expect(call.path == "/v1/orders/order_%2F%3F%23%25%20%C3%A9")
    }

    @Test func describeMasksKeysSaltAndSignature() throws {
        let text = client(CannedTransport([])).describe(try ProviderItems.rapyd(update(tax: "13.5")))
        #expect(text.hasPrefix("POST https://sandboxapi.rapyd.net/v1/orders/order_123\n"))
        #expect(text.contains("\naccess_key: ***\n"))
        #expect(text.contains("\nsalt: ***\n"))
        #expect(text.contains("\nsignature: ***\n"))
        #expect(text.contains("\nidempotency: k-1\n"))
        #expect(text.hasSuffix("\n\n{\"tax_percent\":13.5}"))
        expectNoCredentials(text)
    }

    // MARK: - Classification

    private static func envelope(_ code: String, _ message: String) -> String {
        #"{"status":{"error_code":"\#(code)","status":"ERROR","message":"\#(message)","response_code":"\#(code)","operation_id":"op-1"}}"#
    }

    private func send(status: Int, body: String, headers: [(name: String, value: String)] = []) async throws -> Outcome
    {
        let transport = CannedTransport(status: status, body: body, headers: headers)
        return await client(transport).send(try ProviderItems.rapyd(update(tax: "13.5")), timeoutMilliseconds: 1000)
    }

    @Test func successEnvelopeSucceeds() async throws {
        let body =
            #"{"status":{"error_code":"","status":"SUCCESS","message":"","response_code":"","operation_id":"x"},"data":{"id":"order_123","tax_percent":13.5}}"#
        #expect(
            try await send(status: 200, body: body)
                == Outcome(kind: .succeeded, httpStatus: 200, latencyMilliseconds: 7))
    }

    @Test func classificationTable() async throws {
        let cases: [(Int, String, [(name: String, value: String)], Outcome.Kind, String)] = [
            (400, Self.envelope("ERROR_GET_ORDER", "order not found"), [], .permanent, "ERROR_GET_ORDER"),
            (
                400, Self.envelope("MISSING_AUTHENTICATION_HEADERS", "missing"), [], .permanent,
                "MISSING_AUTHENTICATION_HEADERS"
            ),
            (400, Self.envelope("ERROR_UPDATE_ORDER", "tax_percent"), [], .permanent, "ERROR_UPDATE_ORDER"),
            (
                401, Self.envelope("UNAUTHENTICATED_API_CALL", "bad signature"), [], .permanent,
                "UNAUTHENTICATED_API_CALL"
            ),
            (401, Self.envelope("UNAUTHORIZED_API_CALL", "no such path"), [], .permanent, "UNAUTHORIZED_API_CALL"),
            (404, "", [], .permanent, "HTTP_404"),
            (408, "", [], .retryable(retryAfterSeconds: nil), "HTTP_408"),
            (409, Self.envelope("CONFLICT", "busy"), [], .retryable(retryAfterSeconds: nil), "CONFLICT"),
            (425, "", [], .retryable(retryAfterSeconds: nil), "HTTP_425"),
            (
                429, Self.envelope("TOO_MANY_REQUESTS", "slow down"), [], .retryable(retryAfterSeconds: nil),
                "TOO_MANY_REQUESTS"
            ),
            (
                429, Self.envelope("TOO_MANY_REQUESTS", "slow down"), [("Retry-After", "60")],
                .retryable(retryAfterSeconds: 60),
                "TOO_MANY_REQUESTS"
            ),
            (500, "<html>", [], .retryable(retryAfterSeconds: nil), "HTTP_500"),
            (
                503, Self.envelope("SERVICE_UNAVAILABLE", "later"), [("Retry-After", "2")],
                .retryable(retryAfterSeconds: 2),
                "SERVICE_UNAVAILABLE"
            ),
            (200, Self.envelope("ERROR_UPDATE_ORDER", "refused"), [], .permanent, "ERROR_UPDATE_ORDER"),
        ]
        for (status, body, headers, kind, code) in cases {
            let outcome = try await send(status: status, body: body, headers: headers)
            #expect(outcome.kind == kind, "HTTP \(status) \(code)")
            #expect(outcome.errorCode == code, "HTTP \(status) \(code)")
            #expect(outcome.httpStatus == status)
            #expect(outcome.latencyMilliseconds == 7)
            #expect(!outcome.mayHaveBeenApplied)
            expectNoCredentials(outcome.message)
        }
        let message = try await send(status: 400, body: Self.envelope("ERROR_GET_ORDER", "order not found")).message
        #expect(message == "order not found (operation_id op-1)")
    }

    @Test func unauthenticatedTellsWhichVariablesAndClockToCheck() async throws {
        let outcome = try await send(status: 401, body: Self.envelope("UNAUTHENTICATED_API_CALL", "bad signature"))
        let message = try #require(outcome.message)
        #expect(
            message.contains("RAPYD_ACCESS_KEY") && message.contains("RAPYD_SECRET_KEY") && message.contains("clock"))
    }

    @Test func unreadableSuccessHasUnknownFate() async throws {
        for body in ["", "not json", #"{"data":{}}"#, #"{"status":{"status":"SUCCESS"}}"#] {
            let outcome = try await send(status: 200, body: body)
            #expect(outcome.errorCode == "UNREADABLE_RESPONSE", "\(body)")
            #expect(outcome.mayHaveBeenApplied)
            #expect(outcome.kind == .retryable(retryAfterSeconds: nil))
        }
    }

    @Test func transportErrorAfterSendingHasUnknownFate() async throws {
        let transport = CannedTransport([
            .failure(
                TransportError(kind: .connectionReset, detail: "Connection reset by peer", requestMayHaveBeenSent: true)
            )
        ])
        let outcome = await client(transport).send(try ProviderItems.rapyd(update(tax: "1")), timeoutMilliseconds: 1000)
        #expect(outcome.errorCode == "connection_reset")
        #expect(outcome.message == "Connection reset by peer")
        #expect(outcome.mayHaveBeenApplied)
    }

    @Test func providerEchoOfKeysIsScrubbed() async throws {
        let body = Self.envelope("UNAUTHENTICATED_API_CALL", "access key \(ProviderTestKeys.rapydAccessKey) unknown")
        let outcome = try await send(status: 401, body: body)
        expectNoCredentials(outcome.message)
        #expect(outcome.message?.contains("access key *** unknown") == true)
    }

    // MARK: - Status rules and reconciliation

    @Test func statusRuleRefusesFieldsTheStatusDoesNotAllow() throws {
        #expect(RapydClient.statusRule(try update(tax: "5"), status: .created) == .proceed)
        #expect(RapydClient.statusRule(try update(metadata: "{}", status: .paid), status: .pending) == .proceed)
        guard case .reject(let code, let reason) = RapydClient.statusRule(try update(tax: "5"), status: .paid) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(code == "STATUS_RULE")
        #expect(reason.hasPrefix("tax_percent cannot be updated while the order is paid; "))
        #expect(reason.contains("metadata, status"))
        guard case .reject(_, let none) = RapydClient.statusRule(try update(metadata: "{}"), status: .canceled) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(none.contains("no update"))
    }

    @Test func preflightReadsDataStatusWithASignedGet() async throws {
        let body = #"{"status":{"status":"SUCCESS","error_code":""},"data":{"id":"order_123","status":"paid"}}"#
        let transport = CannedTransport(status: 200, body: body)
        let result = await client(transport).preflight(
            try ProviderItems.rapyd(update(tax: "5")), timeoutMilliseconds: 1000)
        guard case .reject("STATUS_RULE", _) = result else {
            Issue.record("expected STATUS_RULE, got \(result)")
            return
        }
        let request = try #require(await transport.requests.first)
        #expect(request.method == .get)
        #expect(request.body.isEmpty)
        #expect(!request.headers.contains { $0.name == "idempotency" })
        let salt = request.headers.first { $0.name == "salt" }?.value ?? ""
        #expect(
            request.headers.first { $0.name == "signature" }?.value
                == RapydSignature.compute(
                    method: "get", urlPath: "/v1/orders/order_123", salt: salt, timestamp: 1_700_000_000,
                    accessKey: Secret(ProviderTestKeys.rapydAccessKey),
                    secretKey: Secret(ProviderTestKeys.rapydSecretKey),
                    body: ""))
    }

    @Test func reconcileComparesEveryField() throws {
        let order = try JSONValue.parse(
            #"{"metadata":{"b":2,"a":1},"status":"paid","status_transitions":{"paid":1700000000,"fulfilled":0},"coupon":"coupon_1","tax_percent":13.5}"#
        )
        #expect(RapydClient.isInEffect(try update(metadata: #"{"a":1,"b":2}"#), in: order))
        #expect(!RapydClient.isInEffect(try update(metadata: #"{"a":1}"#), in: order))  // whole object, not a subset
        #expect(RapydClient.isInEffect(try update(status: .paid), in: order))
        #expect(!RapydClient.isInEffect(try update(status: .fulfilled), in: order))
        #expect(RapydClient.isInEffect(try update(coupon: "coupon_1", tax: "13.50"), in: order))
        #expect(!RapydClient.isInEffect(try update(tax: "13"), in: order))
        #expect(!RapydClient.isInEffect(try update(coupon: "coupon_2"), in: order))
        // Reached earlier and moved on: paid is in the transitions although the order is fulfilled now.
        let later = try JSONValue.parse(#"{"status":"fulfilled","status_transitions":{"paid":1700000000}}"#)
        #expect(RapydClient.isInEffect(try update(status: .paid), in: later))
    }
}
