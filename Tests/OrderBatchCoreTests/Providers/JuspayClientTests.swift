import Foundation
import Testing

@testable import OrderBatchCore

/// Request building and response classification, with canned responses (no network).
@Suite struct JuspayClientTests {
    let update = JuspayUpdate(
        orderID: "ORD123", routingID: "cust_1", amount: Decimal(sign: .plus, exponent: -2, significand: 9050),
        fields: [.init(name: "udf1", value: "a&b=c+d e"), .init(name: "billing_address_city", value: "São Paulo")])

    private func client(_ transport: any HTTPTransport, apiKey: String = ProviderTestKeys.juspayAPIKey) -> JuspayClient
    {
        JuspayClient(
            configuration: .init(
                baseURL: "https://sandbox.juspay.in/", merchantID: "merchant_1", apiKey: Secret(apiKey),
                apiVersion: "2024-06-01"),
            transport: transport, clock: { Date(timeIntervalSince1970: 1_000_000) })
    }

    private static let orderBody =
        #"{"status_id":10,"status":"NEW","order_id":"ORD123","amount":90.5,"udf1":"a&b=c+d e"}"#

    // MARK: - Requests

    @Test func basicHeaderIsBase64OfKeyAndColon() {
        #expect(JuspayClient.basicToken(apiKey: Secret("test_key")) == "Basic dGVzdF9rZXk6")
        // The key from Juspay's own docs sample decodes to "<key>:".
        #expect(
            JuspayClient.basicToken(apiKey: Secret("1D6ALxxxxxxxxU5QTIxQzNFNTQwNkFDMEZC"))
                == "Basic MUQ2QUx4eHh4eHh4eFU1UVRJeFF6TkZOVFF3TmtGRE1FWkM6")
    }

    @Test func updateRequestHasDocumentedShape() throws {
        let request = try client(CannedTransport([])).updateRequest(update, timeoutMilliseconds: 1500)
        #expect(request.method == .post)
        #expect(request.url == "https://sandbox.juspay.in/orders/ORD123")
        #expect(request.timeoutMilliseconds == 1500)
        #expect(
            request.headers.map(\.name) == ["Authorization", "x-merchantid", "x-routing-id", "Content-Type", "Accept"])
        #expect(request.headers[0].value == JuspayClient.basicToken(apiKey: Secret(ProviderTestKeys.juspayAPIKey)))
        #expect(request.headers[1].value == "merchant_1")
        #expect(request.headers[2].value == "cust_1")
        #expect(request.headers[3].value == "application/x-www-form-urlencoded")
        #expect(request.headers[4].value == "application/json")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "amount=90.5&udf1=a%26b%3Dc%2Bd+e&billing_address_city=S%C3%A3o+Paulo")
    }

    @Test func statusRequestIsAGetWithVersionAndNoBody() throws {
        let request = try client(CannedTransport([])).statusRequest(update, timeoutMilliseconds: 900)
        #expect(request.method == .get)
        #expect(request.url == "https://sandbox.juspay.in/orders/ORD123")
        #expect(request.body.isEmpty)
        #expect(request.headers.map(\.name) == ["Authorization", "x-merchantid", "x-routing-id", "Accept", "version"])
        #expect(request.headers.last?.value == "2024-06-01")
    }

    @Test func orderIDIsOneEncodedSegment() throws {
        var odd = update
        odd.orderID = "A/B?C#D%E é"
        let request = try client(CannedTransport([])).updateRequest(odd, timeoutMilliseconds: 1)
        #expect(request.url == "https://sandbox.juspay.in/orders/A%2FB%3FC%23D%25E%20%C3%A9")
    }

    @Test func routingIDWithLineBreakIsRefusedBeforeSending() async throws {
        var bad = update
        bad.routingID = "cust\r\nX-Evil: 1"
        let transport = CannedTransport([])
        let outcome = await client(transport).send(try ProviderItems.juspay(bad), timeoutMilliseconds: 1000)
        #expect(outcome.kind == .permanent)
        #expect(outcome.errorCode == "INVALID_HEADER_VALUE")
        #expect(await transport.requests.isEmpty)
    }

    @Test func corruptPayloadIsPermanentAndNothingIsSent() async throws {
        let transport = CannedTransport([])
        let item = OutboundItem(seq: 1, orderID: "ORD123", payload: #"{"order_id":"ORD123"}"#, idempotencyKey: "k")
        let outcome = await client(transport).send(item, timeoutMilliseconds: 1000)
        #expect(outcome.kind == .permanent)
        #expect(outcome.errorCode == "CORRUPT_PAYLOAD")
        #expect(await transport.requests.isEmpty)
        let mismatched = OutboundItem(
            seq: 1, orderID: "OTHER", payload: try ProviderItems.juspay(update).payload, idempotencyKey: "k")
        #expect(await client(transport).send(mismatched, timeoutMilliseconds: 1000).errorCode == "CORRUPT_PAYLOAD")
    }

    @Test func describeMasksTheKeyAndShowsTheBody() throws {
        let text = client(CannedTransport([])).describe(try ProviderItems.juspay(update))
        #expect(text.hasPrefix("POST https://sandbox.juspay.in/orders/ORD123\n"))
        #expect(text.contains("\nAuthorization: Basic ***\n"))
        #expect(text.contains("\nx-routing-id: cust_1\n"))
        #expect(text.hasSuffix("\n\namount=90.5&udf1=a%26b%3Dc%2Bd+e&billing_address_city=S%C3%A3o+Paulo"))
        expectNoCredentials(text)
    }

    // MARK: - Classification of canned responses

    private func send(status: Int, body: String, headers: [(name: String, value: String)] = []) async throws -> Outcome
    {
        let transport = CannedTransport(status: status, body: body, headers: headers)
        return await client(transport).send(try ProviderItems.juspay(update), timeoutMilliseconds: 1000)
    }

    @Test func okWithMatchingAmountSucceeds() async throws {
        let outcome = try await send(status: 200, body: Self.orderBody)
        #expect(outcome == Outcome(kind: .succeeded, httpStatus: 200, latencyMilliseconds: 7))
        // The amount may come back as a string, with trailing zeros.
        let asString = try await send(status: 200, body: #"{"order_id":"ORD123","amount":"90.50"}"#)
        #expect(asString.kind == .succeeded)
    }

    @Test func okWithDifferentAmountIsAmountMismatch() async throws {
        let outcome = try await send(status: 200, body: #"{"order_id":"ORD123","amount":90.05}"#)
        #expect(outcome.kind == .permanent)
        #expect(outcome.errorCode == "AMOUNT_MISMATCH")
        #expect(outcome.httpStatus == 200)
        let message = try #require(outcome.message)
        #expect(message.contains("90.05") && message.contains("90.5"))
    }

    @Test func okWithUnreadableBodyHasUnknownFate() async throws {
        let outcome = try await send(status: 200, body: "<html>ok</html>")
        #expect(outcome.kind == .retryable(retryAfterSeconds: nil))
        #expect(outcome.errorCode == "UNREADABLE_RESPONSE")
        #expect(outcome.mayHaveBeenApplied)
        let badAmount = try await send(status: 200, body: #"{"amount":"ninety"}"#)
        #expect(badAmount.errorCode == "UNREADABLE_RESPONSE")
    }

    @Test func notFoundIsHTTP400WithStatusNotFound() async throws {
        let body =
            #"{"status":"NOT_FOUND","error_info":{"user_message":"Order Not Found","developer_message":"Order Not Found","code":"RESOURCE_NOT_FOUND","category":"USER_ERROR"},"status_id":40,"order_id":"ORD123"}"#
        let outcome = try await send(status: 400, body: body)
        #expect(outcome.kind == .permanent)
        #expect(outcome.errorCode == "NOT_FOUND")
        #expect(outcome.httpStatus == 400)
        #expect(outcome.message?.contains("Order Not Found") == true)
        // status_id 40 alone is enough.
        #expect(try await send(status: 400, body: #"{"status_id":40}"#).errorCode == "NOT_FOUND")
    }

    @Test func invalidInputKeepsCodeMessageAndFields() async throws {
        let body =
            #"{"error_message":"Bad Request.","status":"Bad Request","error_code":"INVALID_REQUEST","error_info":{"user_message":"Invalid input data","fields":[{"field_name":"amount","reason":"Invalid amount"}],"developer_message":"Invalid input data","code":"INVALID_INPUT","category":"USER_ERROR"}}"#
        let outcome = try await send(status: 400, body: body)
        #expect(outcome.kind == .permanent)
        #expect(outcome.errorCode == "INVALID_INPUT")
        #expect(outcome.message == "Invalid input data (amount: Invalid amount)")
        #expect(outcome.latencyMilliseconds == 7)
    }

    @Test func olderErrorFormatIsRead() async throws {
        let body =
            #"{"status":"invalid_request_error","error_code":"invalid_amount","error_message":"Amount is invalid"}"#
        let outcome = try await send(status: 400, body: body)
        #expect(outcome.kind == .permanent)
        #expect(outcome.errorCode == "invalid_amount")
        #expect(outcome.message == "Amount is invalid")
    }

    @Test func unauthorizedTellsWhichVariableToCheck() async throws {
        let body =
            #"{"status":"error","error_code":"access_denied","error_info":{"user_message":"Invalid API key.","developer_message":"Invalid API key.","code":"UNAUTHORIZED","category":"USER_ERROR"}}"#
        let outcome = try await send(status: 401, body: body)
        #expect(outcome.kind == .permanent)
        #expect(outcome.errorCode == "UNAUTHORIZED")
        #expect(outcome.message?.contains("JUSPAY_API_KEY") == true)
        expectNoCredentials(outcome.message)
    }

    @Test func duplicateRequestIsRetryable() async throws {
        let body =
            #"{"status":"Bad Request","error_code":"DUPLICATE_REQUEST","error_info":{"code":"DUPLICATE_REQUEST","developer_message":"Another request is in process"}}"#
        let outcome = try await send(status: 400, body: body)
        #expect(outcome.kind == .retryable(retryAfterSeconds: nil))
        #expect(outcome.errorCode == "DUPLICATE_REQUEST")
        #expect(!outcome.mayHaveBeenApplied)
    }

    @Test func statusTableForOtherResponses() async throws {
        let service = #"{"status":"error","error_code":"service_unavailable","error_message":"Service Unavailable"}"#
        let cases: [(Int, String, [(name: String, value: String)], Outcome.Kind, String)] = [
            (404, "", [], .permanent, "HTTP_404"),
            (408, "", [], .retryable(retryAfterSeconds: nil), "HTTP_408"),
            (409, "", [], .retryable(retryAfterSeconds: nil), "HTTP_409"),
            (425, "", [], .retryable(retryAfterSeconds: nil), "HTTP_425"),
            (429, service, [], .retryable(retryAfterSeconds: nil), "service_unavailable"),
            (429, service, [("retry-after", "3")], .retryable(retryAfterSeconds: 3), "service_unavailable"),
            (500, "oops", [], .retryable(retryAfterSeconds: nil), "HTTP_500"),
            (503, service, [("Retry-After", "12")], .retryable(retryAfterSeconds: 12), "service_unavailable"),
        ]
        for (status, body, headers, kind, code) in cases {
            let outcome = try await send(status: status, body: body, headers: headers)
            #expect(outcome.kind == kind, "HTTP \(status)")
            #expect(outcome.errorCode == code, "HTTP \(status)")
            #expect(outcome.httpStatus == status)
            #expect(outcome.message != nil)
        }
        #expect(try await send(status: 404, body: "").message?.contains("base URL") == true)
    }

    @Test func providerEchoOfTheKeyIsScrubbed() async throws {
        let body =
            #"{"status":"error","error_code":"bad_key","error_message":"key \#(ProviderTestKeys.juspayAPIKey) is revoked"}"#
        let outcome = try await send(status: 403, body: body)
        #expect(outcome.message == "key *** is revoked")
    }

    // MARK: - Preflight and reconcile with canned bodies

    @Test func preflightSkipsChargedAndProceedsOnNew() async throws {
        let item = try ProviderItems.juspay(update)
        let charged = CannedTransport(status: 200, body: #"{"status":"CHARGED","status_id":21,"amount":90.5}"#)
        #expect(
            await client(charged).preflight(item, timeoutMilliseconds: 1000)
                == .skip(
                    reason:
                        "order status is CHARGED; Juspay advises against updating once a transaction has started (preflight)"
                ))
        let new = CannedTransport(status: 200, body: Self.orderBody)
        #expect(await client(new).preflight(item, timeoutMilliseconds: 1000) == .proceed)
        #expect(await new.requests.first?.method == .get)
        let off = JuspayClient(
            configuration: .init(baseURL: "https://x", merchantID: "m", apiKey: Secret("k"), preflight: false),
            transport: CannedTransport([]))
        #expect(await off.preflight(item, timeoutMilliseconds: 1000) == .proceed)
    }

    @Test func reconcileComparesAmountAndEchoedFields() throws {
        #expect(JuspayClient.isInEffect(update, in: try JSONValue.parse(Self.orderBody)))
        #expect(JuspayClient.isInEffect(update, in: try JSONValue.parse(#"{"amount":"90.50"}"#)))
        #expect(!JuspayClient.isInEffect(update, in: try JSONValue.parse(#"{"amount":100}"#)))
        #expect(!JuspayClient.isInEffect(update, in: try JSONValue.parse(#"{"amount":90.5,"udf1":""}"#)))
        #expect(!JuspayClient.isInEffect(update, in: try JSONValue.parse(#"{"status":"NEW"}"#)))
    }
}
