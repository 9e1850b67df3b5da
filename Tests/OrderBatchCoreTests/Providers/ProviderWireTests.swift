import Foundation
import OrderBatchEmulator
import ProviderRules
import Testing

@testable import OrderBatchCore

/// The adapters against the emulator over real HTTP (``CurlTransport`` on loopback).
@Suite struct ProviderWireTests {
    static let oddOrderID = "A/B?C#D%E é"

    // MARK: - Juspay

    @Test func juspayUpdateIsAppliedOnceAndReconciles() async throws {
        try await withProviderEmulator { server, transport in
            let client = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport)
            let update = JuspayUpdate(
                orderID: "ORD1", routingID: "cust_1", amount: Decimal(9050) / 100,
                fields: [
                    .init(name: "udf1", value: "a&b=c+d e%é"), .init(name: "billing_address_city", value: "São Paulo"),
                ])
            let item = try ProviderItems.juspay(update)
            #expect(await client.reconcile(item, timeoutMilliseconds: 2000) == .notInEffect)
            #expect(await client.preflight(item, timeoutMilliseconds: 2000) == .proceed)
            let outcome = await client.send(item, timeoutMilliseconds: 2000)
            #expect(outcome.kind == .succeeded)
            #expect(outcome.httpStatus == 200)
            #expect(outcome.latencyMilliseconds > 0)
            #expect(server.stats().appliedByOrder["ORD1"] == 1)
            #expect(server.stats().rejectedAuth == 0)
            #expect(await client.reconcile(item, timeoutMilliseconds: 2000) == .inEffect)
        }
    }

    @Test func juspayOddOrderIDArrivesAsOneSegment() async throws {
        try await withProviderEmulator { server, transport in
            let client = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport, preflight: false)
            let item = try ProviderItems.juspay(JuspayUpdate(orderID: Self.oddOrderID, routingID: "c", amount: 12))
            #expect(await client.send(item, timeoutMilliseconds: 2000).kind == .succeeded)
            let stats = server.stats()
            #expect(stats.appliedByOrder == [Self.oddOrderID: 1])
            #expect(stats.requestsByRoute["POST /orders/{order_id}"] == 1)
        }
    }

    @Test func juspayWireBytesViaEcho() async throws {
        try await withProviderEmulator { server, transport in
            let recorder = RecordingTransport(transport)
            let client = JuspayClient(
                configuration: .init(
                    baseURL: server.baseURL + "/__emulator/echo", merchantID: "merchant_1",
                    apiKey: Secret("test_key")),
                transport: recorder)
            let update = JuspayUpdate(
                orderID: Self.oddOrderID, routingID: "cust_1", amount: 90,
                fields: [.init(name: "udf2", value: "x=1&y=2 +é")])
            _ = await client.send(try ProviderItems.juspay(update), timeoutMilliseconds: 2000)
            let echo = try ProviderEcho(try #require(await recorder.responses.first))
            #expect(echo.method == "POST")
            #expect(echo.path == "/__emulator/echo/orders/A%2FB%3FC%23D%25E%20%C3%A9")
            #expect(echo.value("Authorization") == "Basic dGVzdF9rZXk6")
            #expect(echo.value("x-merchantid") == "merchant_1")
            #expect(echo.value("x-routing-id") == "cust_1")
            #expect(echo.value("Content-Type") == "application/x-www-form-urlencoded")
            #expect(echo.value("Accept") == "application/json")
            #expect(echo.body == "amount=90&udf2=x%3D1%26y%3D2+%2B%C3%A9")
        }
    }

    @Test func juspayPreflightSkipsChargedOrder() async throws {
        let seed = [#"{"provider":"juspay","order_id":"PAID1","status":"CHARGED","amount":"90.00"}"#]
        try await withProviderEmulator(orders: seed) { server, transport in
            let client = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport)
            let item = try ProviderItems.juspay(JuspayUpdate(orderID: "PAID1", routingID: "c", amount: 95))
            let result = await client.preflight(item, timeoutMilliseconds: 2000)
            #expect(
                result
                    == .skip(
                        reason:
                            "order status is CHARGED; Juspay advises against updating once a transaction has started (preflight)"
                    ))
            #expect(server.stats().appliedTotal == 0)
            // Sent anyway, the emulator refuses it with INVALID_ACTION: permanent.
            let outcome = await client.send(item, timeoutMilliseconds: 2000)
            #expect(outcome.kind == .permanent)
            #expect(outcome.errorCode == "INVALID_ACTION")
            #expect(outcome.httpStatus == 400)
        }
    }

    @Test func juspayUnknownOrderIsNotFoundAndBadKeyIsUnauthorized() async throws {
        try await withProviderEmulator({ $0.unknownOrders = .notFound }) { server, transport in
            let item = try ProviderItems.juspay(JuspayUpdate(orderID: "NOPE", routingID: "c", amount: 1))
            let client = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport)
            let notFound = await client.send(item, timeoutMilliseconds: 2000)
            #expect(notFound.kind == .permanent)
            #expect(notFound.errorCode == "NOT_FOUND")
            guard case .failed(let read) = await client.preflight(item, timeoutMilliseconds: 2000) else {
                Issue.record("expected a failed preflight")
                return
            }
            #expect(read.errorCode == "NOT_FOUND")

            let wrongKey = JuspayClient(
                configuration: .init(baseURL: server.baseURL, merchantID: "m", apiKey: Secret("jp_WRONG_KEY_123")),
                transport: transport)
            let unauthorized = await wrongKey.send(item, timeoutMilliseconds: 2000)
            #expect(unauthorized.kind == .permanent)
            #expect(unauthorized.errorCode == "UNAUTHORIZED")
            #expect(unauthorized.httpStatus == 401)
            #expect(unauthorized.message?.contains("JUSPAY_API_KEY") == true)
            #expect(unauthorized.message?.contains("jp_WRONG_KEY_123") == false)
        }
    }

    @Test func juspay503And429AreRetryableWithRetryAfter() async throws {
        for fault in [EmulatorFault.http503, .http429] {
            try await withProviderEmulator({
                $0.failRate = 1
                $0.failWith = fault
            }) { server, transport in
                let client = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport)
                let item = try ProviderItems.juspay(JuspayUpdate(orderID: "ORD1", routingID: "c", amount: 1))
                let outcome = await client.send(item, timeoutMilliseconds: 2000)
                let expected: Double? = fault == .http429 ? 1 : nil
                #expect(outcome.kind == .retryable(retryAfterSeconds: expected), "\(fault)")
                #expect(outcome.httpStatus == (fault == .http429 ? 429 : 503))
                #expect(outcome.isRateLimited == (fault == .http429))
                #expect(server.stats().appliedTotal == 0)
            }
        }
    }

    @Test func timeoutAndResetHaveUnknownFate() async throws {
        try await withProviderEmulator({
            $0.failRate = 1
            $0.failWith = .hang
        }) { server, transport in
            let client = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport)
            let item = try ProviderItems.juspay(JuspayUpdate(orderID: "ORD1", routingID: "c", amount: 1))
            let outcome = await client.send(item, timeoutMilliseconds: 300)
            #expect(outcome.kind == .retryable(retryAfterSeconds: nil))
            #expect(outcome.errorCode == "timed_out")
            #expect(outcome.mayHaveBeenApplied)
            #expect(outcome.httpStatus == nil)
            #expect(outcome.latencyMilliseconds >= 250)
            // A read that times out applied nothing.
            guard case .failed(let read) = await client.reconcile(item, timeoutMilliseconds: 300) else {
                Issue.record("expected a failed reconcile")
                return
            }
            #expect(read.errorCode == "timed_out")
            #expect(!read.mayHaveBeenApplied)
        }
        try await withProviderEmulator({
            $0.failRate = 1
            $0.failWith = .reset
        }) { server, transport in
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport)
            let item = try ProviderItems.rapyd(RapydUpdate(orderID: "order_1", taxPercent: 5))
            let outcome = await client.send(item, timeoutMilliseconds: 2000)
            #expect(outcome.kind == .retryable(retryAfterSeconds: nil))
            #expect(outcome.errorCode == "connection_reset")
            #expect(outcome.mayHaveBeenApplied)
        }
    }

    // MARK: - Rapyd

    @Test func rapydSignatureIsAcceptedAndUpdateApplied() async throws {
        try await withProviderEmulator { server, transport in
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport)
            let update = RapydUpdate(
                orderID: "order_abc", coupon: "coupon_1",
                metadata: try JSONValue.parse(#"{"batch":"b1","n":1.50,"s":"é/\""}"#),
                taxPercent: Decimal(135) / 10)
            let item = try ProviderItems.rapyd(update)
            #expect(await client.preflight(item, timeoutMilliseconds: 2000) == .proceed)
            #expect(await client.reconcile(item, timeoutMilliseconds: 2000) == .notInEffect)
            let outcome = await client.send(item, timeoutMilliseconds: 2000)
            #expect(outcome.kind == .succeeded, "\(outcome)")
            #expect(await client.reconcile(item, timeoutMilliseconds: 2000) == .inEffect)
            let stats = server.stats()
            #expect(stats.rejectedSignatures == 0)
            #expect(stats.rejectedTimestamps == 0)
            #expect(stats.rejectedAuth == 0)
            #expect(stats.appliedByOrder["order_abc"] == 1)
            #expect(stats.requestsByRoute["GET /v1/orders/{order}"] == 3)
        }
    }

    @Test func rapydOddOrderIDIsSignedAndArrivesAsOneSegment() async throws {
        try await withProviderEmulator { server, transport in
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport, preflight: false)
            let id = "order_" + Self.oddOrderID
            let outcome = await client.send(
                try ProviderItems.rapyd(RapydUpdate(orderID: id, metadata: .object([]))), timeoutMilliseconds: 2000)
            #expect(outcome.kind == .succeeded, "\(outcome)")
            #expect(server.stats().appliedByOrder == [id: 1])
            #expect(server.stats().rejectedSignatures == 0)
        }
    }

    @Test func rapydWireBytesViaEcho() async throws {
        try await withProviderEmulator { server, transport in
            let recorder = RecordingTransport(transport)
            let client = ProviderItems.rapydClient(baseURL: server.baseURL + "/__emulator/echo", transport: recorder)
            let update = RapydUpdate(
                orderID: "order_1", metadata: try JSONValue.parse(#"{ "a" : 10.0 }"#), taxPercent: Decimal(10),
                status: .paid)
            let before = Int64(Date().timeIntervalSince1970)
            _ = await client.send(try ProviderItems.rapyd(update, key: "run-7"), timeoutMilliseconds: 2000)
            let after = Int64(Date().timeIntervalSince1970)
            let echo = try ProviderEcho(try #require(await recorder.responses.first))
            #expect(echo.method == "POST")
            #expect(echo.path == "/__emulator/echo/v1/orders/order_1")
            #expect(echo.body == #"{"metadata":{"a":10},"status":"paid","tax_percent":10}"#)
            #expect(echo.value("idempotency") == "run-7")
            #expect(echo.value("access_key") == ProviderTestKeys.rapydAccessKey)
            #expect(echo.value("Content-Type") == "application/json")
            let timestamp = try #require(Int64(echo.value("timestamp") ?? ""))
            // Signed 10 s behind the clock, at some moment during the send.
            #expect(timestamp >= before - 10 && timestamp <= after - 10, "\(before) \(timestamp) \(after)")
        }
    }

    @Test func rapydIdempotentReplayAppliesOnce() async throws {
        try await withProviderEmulator({ $0.idempotency = true }) { server, transport in
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport)
            let item = try ProviderItems.rapyd(
                RapydUpdate(orderID: "order_r", metadata: try JSONValue.parse(#"{"try":1}"#)), key: "run1-1-0")
            #expect(await client.send(item, timeoutMilliseconds: 2000).kind == .succeeded)
            #expect(await client.send(item, timeoutMilliseconds: 2000).kind == .succeeded)
            let stats = server.stats()
            #expect(stats.idempotentReplays == 1)
            #expect(stats.appliedByOrder["order_r"] == 1)
            #expect(stats.keysReusedWithDifferentBody == 0)
            #expect(stats.rejectedSignatures == 0)
        }
    }

    @Test func rapydPreflightRejectsTaxPercentOnPaidOrder() async throws {
        let seed = [#"{"provider":"rapyd","order_id":"order_paid","status":"paid","metadata":{}}"#]
        try await withProviderEmulator(orders: seed) { server, transport in
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport)
            let item = try ProviderItems.rapyd(RapydUpdate(orderID: "order_paid", taxPercent: Decimal(5)))
            let result = await client.preflight(item, timeoutMilliseconds: 2000)
            guard case .reject(let code, let reason) = result else {
                Issue.record("expected a rejection, got \(result)")
                return
            }
            #expect(code == "STATUS_RULE")
            #expect(reason.hasPrefix("tax_percent cannot be updated while the order is paid;"))
            #expect(server.stats().appliedTotal == 0)
            #expect(server.stats().rejectedSignatures == 0)
            // The emulator agrees: sent anyway, it is refused permanently.
            let outcome = await client.send(item, timeoutMilliseconds: 2000)
            #expect(outcome.kind == .permanent)
            #expect(outcome.httpStatus == 400)
        }
    }

    @Test func rapydWrongSecretAndUnknownOrder() async throws {
        try await withProviderEmulator({ $0.unknownOrders = .notFound }) { server, transport in
            let item = try ProviderItems.rapyd(RapydUpdate(orderID: "order_none", taxPercent: Decimal(1)))
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport)
            let missing = await client.send(item, timeoutMilliseconds: 2000)
            #expect(missing.kind == .permanent)
            #expect(missing.errorCode == "ERROR_GET_ORDER")
            #expect(missing.message?.contains("operation_id") == true)

            let wrong = RapydClient(
                configuration: .init(
                    baseURL: server.baseURL, accessKey: Secret(ProviderTestKeys.rapydAccessKey),
                    secretKey: Secret("rsk_WRONG_SECRET_9")),
                transport: transport)
            let refused = await wrong.send(item, timeoutMilliseconds: 2000)
            #expect(refused.kind == .permanent)
            #expect(refused.errorCode == "UNAUTHENTICATED_API_CALL")
            #expect(refused.message?.contains("RAPYD_SECRET_KEY") == true)
            #expect(refused.message?.contains("rsk_WRONG_SECRET_9") == false)
            #expect(server.stats().rejectedSignatures == 1)
        }
    }

    @Test func rapydRateLimit429IsRetryable() async throws {
        try await withProviderEmulator({
            $0.failRate = 1
            $0.failWith = .http429
        }) { server, transport in
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport)
            let outcome = await client.send(
                try ProviderItems.rapyd(RapydUpdate(orderID: "order_1", taxPercent: Decimal(1))),
                timeoutMilliseconds: 2000)
            #expect(outcome.kind == .retryable(retryAfterSeconds: 1))
            #expect(outcome.errorCode == "TOO_MANY_REQUESTS")
            #expect(outcome.isRateLimited)
        }
    }

    // MARK: - Credentials

    @Test func noCredentialInAnyOutcomeOrDescription() async throws {
        try await withProviderEmulator({ $0.unknownOrders = .notFound }) { server, transport in
            let juspay = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport)
            let rapyd = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport)
            let jItem = try ProviderItems.juspay(JuspayUpdate(orderID: "X1", routingID: "c", amount: 1))
            let rItem = try ProviderItems.rapyd(RapydUpdate(orderID: "order_x", taxPercent: Decimal(1)))
            var texts: [String?] = [juspay.describe(jItem), rapyd.describe(rItem)]
            let outcomes = [
                await juspay.send(jItem, timeoutMilliseconds: 2000), await rapyd.send(rItem, timeoutMilliseconds: 2000),
            ]
            texts += outcomes.flatMap { [$0.message, $0.errorCode] }
            for result in [
                await juspay.preflight(jItem, timeoutMilliseconds: 2000),
                await rapyd.preflight(rItem, timeoutMilliseconds: 2000),
            ] {
                texts.append("\(result)")
            }
            for result in [
                await juspay.reconcile(jItem, timeoutMilliseconds: 2000),
                await rapyd.reconcile(rItem, timeoutMilliseconds: 2000),
            ] {
                texts.append("\(result)")
            }
            #expect(texts.compactMap { $0 }.count == 10)
            for text in texts { expectNoCredentials(text) }
            // Printing a client (configuration included) shows no key either.
            expectNoCredentials("\(juspay) \(rapyd)")
            expectNoCredentials(String(reflecting: juspay.configuration) + String(reflecting: rapyd.configuration))
        }
    }
}
