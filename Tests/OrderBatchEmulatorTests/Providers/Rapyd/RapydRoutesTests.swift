import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct RapydRoutesTests {
    static let seedLines = [
        #"{"provider":"rapyd","order_id":"order_pending","status":"pending","metadata":{"a":1}}"#,
        #"{"provider":"rapyd","order_id":"order_paid","status":"paid"}"#,
        #"{"provider":"rapyd","order_id":"order_created","status":"created","amount":410}"#,
        #"{"provider":"rapyd","order_id":"order_partial","status":"partial"}"#,
    ]

    func withSeededEmulator(
        _ configure: @escaping (inout EmulatorConfiguration) -> Void = { _ in },
        _ body: (EmulatorServer) async throws -> Void
    ) async throws {
        let seed = try temporaryFile(Self.seedLines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(at: seed) }
        try await withEmulator(
            {
                $0.ordersFile = seed.path
                configure(&$0)
            }, body)
    }

    @Test func correctlySignedUpdateIsApplied() async throws {
        try await withSeededEmulator { server in
            let body = #"{"metadata":{"batch":"b1"},"status":"paid"}"#
            let result = try await rapyd(server, "POST", "/v1/orders/order_pending", body: body)
            #expect(result.status == 200)
            let status = result.json["status"] as? [String: Any]
            #expect(status?["status"] as? String == "SUCCESS")
            #expect(status?["error_code"] as? String == "")
            #expect((status?["operation_id"] as? String)?.count == 36)
            let data = result.json["data"] as? [String: Any]
            #expect(data?["id"] as? String == "order_pending")
            #expect(data?["status"] as? String == "paid")
            // Metadata is replaced, not merged.
            #expect(data?["metadata"] as? [String: String] == ["batch": "b1"])
            #expect(server.stats().appliedByOrder == ["order_pending": 1])

            let retrieved = try await rapyd(server, "GET", "/v1/orders/order_pending")
            #expect(retrieved.status == 200)
            #expect((retrieved.json["data"] as? [String: Any])?["status"] as? String == "paid")
            #expect(server.stats().requestsByRoute == ["POST /v1/orders/{order}": 1, "GET /v1/orders/{order}": 1])
        }
    }

    @Test func signatureCoversTheRawPathWithQuery() async throws {
        try await withSeededEmulator { server in
            let path = "/v1/orders/order_paid?expand=items&x=%20y"
            let result = try await rapyd(server, "GET", path)
            #expect(result.status == 200)
            // Signed without the query: refused.
            var headers = rapydHeaders(method: "GET", path: "/v1/orders/order_paid")
            headers.removeAll { $0.0 == "Content-Type" }
            let refused = try await http("GET", server.baseURL + path, headers: headers)
            #expect(refused.status == 401)
            #expect(rapydErrorCode(refused) == "UNAUTHENTICATED_API_CALL")
        }
    }

    @Test func badSignatureIsRefused() async throws {
        try await withSeededEmulator { server in
            let body = #"{"status":"paid"}"#
            // Signed over a differently formatted body than the one sent.
            var headers = rapydHeaders(method: "POST", path: "/v1/orders/order_pending", body: #"{"status": "paid"}"#)
            var result = try await http(
                "POST", server.baseURL + "/v1/orders/order_pending", headers: headers, body: body)
            #expect(result.status == 401)
            #expect(rapydErrorCode(result) == "UNAUTHENTICATED_API_CALL")
            let status = result.json["status"] as? [String: Any]
            #expect(status?["response_code"] as? String == "UNAUTHENTICATED_API_CALL")
            #expect(status?["status"] as? String == "ERROR")
            #expect((status?["message"] as? String)?.contains("Corrective action") == true)
            #expect(result.json["data"] == nil)
            // Signed with the wrong secret.
            headers = rapydHeaders(method: "POST", path: "/v1/orders/order_pending", body: body, secretKey: "nope")
            result = try await http("POST", server.baseURL + "/v1/orders/order_pending", headers: headers, body: body)
            #expect(result.status == 401)
            // Wrong access key.
            headers = rapydHeaders(method: "POST", path: "/v1/orders/order_pending", body: body, accessKey: "rak_X")
            result = try await http("POST", server.baseURL + "/v1/orders/order_pending", headers: headers, body: body)
            #expect(result.status == 401)
            let stats = server.stats()
            #expect(stats.rejectedSignatures == 2)
            #expect(stats.rejectedAuth == 1)
            #expect(stats.appliedTotal == 0)
        }
    }

    @Test func missingOrNonNumericAuthHeadersAre400() async throws {
        try await withSeededEmulator { server in
            for name in ["access_key", "salt", "timestamp", "signature"] {
                let headers = rapydHeaders(method: "GET", path: "/v1/orders/order_paid").filter { $0.0 != name }
                let result = try await http("GET", server.baseURL + "/v1/orders/order_paid", headers: headers)
                #expect(result.status == 400)
                #expect(rapydErrorCode(result) == "MISSING_AUTHENTICATION_HEADERS")
            }
            let headers = rapydHeaders(method: "GET", path: "/v1/orders/order_paid").map {
                $0.0 == "timestamp" ? ("timestamp", "17e8") : $0
            }
            let result = try await http("GET", server.baseURL + "/v1/orders/order_paid", headers: headers)
            #expect(rapydErrorCode(result) == "MISSING_AUTHENTICATION_HEADERS")
            #expect(server.stats().rejectedAuth == 5)
        }
    }

    @Test func staleAndFutureTimestampsAreRefused() async throws {
        try await withSeededEmulator { server in
            // Each offset is taken from the clock just before its request, so a loaded machine that
            // stalls between requests cannot age a timestamp past the limit.
            func now() -> Int { Int(Date().timeIntervalSince1970) }
            for offset in [-120, -61, 60] {
                let timestamp = now() + offset
                let headers = rapydHeaders(method: "GET", path: "/v1/orders/order_paid", timestamp: timestamp)
                let result = try await http("GET", server.baseURL + "/v1/orders/order_paid", headers: headers)
                #expect(result.status == 401)
                #expect(rapydErrorCode(result) == "UNAUTHENTICATED_API_CALL")
            }
            #expect(server.stats().rejectedTimestamps == 3)
            for offset in [-50, 2] {
                let timestamp = now() + offset
                let headers = rapydHeaders(method: "GET", path: "/v1/orders/order_paid", timestamp: timestamp)
                let result = try await http("GET", server.baseURL + "/v1/orders/order_paid", headers: headers)
                #expect(result.status == 200)
            }
        }
    }

    @Test func fieldsOutsideTheStatusRulesAreRefused() async throws {
        try await withSeededEmulator { server in
            // pending allows metadata and status, not tax_percent.
            var result = try await rapyd(server, "POST", "/v1/orders/order_pending", body: #"{"tax_percent":5}"#)
            #expect(result.status == 400)
            #expect(rapydErrorCode(result) == RapydRoutes.updateRefusedCode)
            let message = (result.json["status"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("'tax_percent'") && message.contains("'pending'"))
            // created allows coupon, metadata, tax_percent, not status.
            result = try await rapyd(server, "POST", "/v1/orders/order_created", body: #"{"status":"paid"}"#)
            #expect(result.status == 400)
            result = try await rapyd(
                server, "POST", "/v1/orders/order_created", body: #"{"tax_percent":13.50,"coupon":"coupon_1"}"#)
            #expect(result.status == 200)
            #expect(result.bodyText.contains(#""tax_percent":13.50"#))
            // partial allows nothing.
            result = try await rapyd(server, "POST", "/v1/orders/order_partial", body: #"{"metadata":{}}"#)
            #expect(result.status == 400)
            #expect(server.stats().statusRuleRejections == 3)
            #expect(server.stats().appliedByOrder == ["order_created": 1])
        }
    }

    @Test func statusTransitionsFollowTheStateDiagram() async throws {
        try await withSeededEmulator { server in
            // paid → pending is not a transition.
            var result = try await rapyd(server, "POST", "/v1/orders/order_paid", body: #"{"status":"pending"}"#)
            #expect(result.status == 400)
            #expect(rapydErrorCode(result) == RapydRoutes.updateRefusedCode)
            // Setting the current status again is a no-op success.
            result = try await rapyd(server, "POST", "/v1/orders/order_paid", body: #"{"status":"paid"}"#)
            #expect(result.status == 200)
            result = try await rapyd(server, "POST", "/v1/orders/order_paid", body: #"{"status":"fulfilled"}"#)
            #expect(result.status == 200)
            result = try await rapyd(server, "POST", "/v1/orders/order_paid", body: #"{"status":"returned"}"#)
            #expect(result.status == 200)
            let data = result.json["data"] as? [String: Any]
            #expect(data?["status"] as? String == "returned")
            #expect(((data?["status_transitions"] as? [String: Int])?["fulfilled"] ?? 0) > 0)
            // returned allows no field at all, so not even returned → canceled through Update.
            result = try await rapyd(server, "POST", "/v1/orders/order_paid", body: #"{"status":"canceled"}"#)
            #expect(result.status == 400)
            #expect(server.stats().statusRuleRejections == 2)
        }
    }

    @Test(arguments: [
        #"[1]"#, #"{"status":"paid",}"#, #"{"amount":5}"#, #"{"metadata":"x"}"#, #"{"status":"shipped"}"#,
        #"{"tax_percent":101}"#, #"{"metadata":{},"metadata":{}}"#,
    ])
    func malformedBodiesAreRefused(body: String) async throws {
        try await withSeededEmulator { server in
            let result = try await rapyd(server, "POST", "/v1/orders/order_created", body: body)
            #expect(result.status == 400)
            #expect(rapydErrorCode(result) == RapydRoutes.updateRefusedCode)
            #expect(server.stats().appliedTotal == 0)
        }
    }

    @Test func unknownOrders() async throws {
        try await withEmulator({ $0.unknownOrders = .notFound }) { server in
            let result = try await rapyd(server, "POST", "/v1/orders/order_nope", body: #"{"metadata":{}}"#)
            #expect(result.status == 400)
            #expect(rapydErrorCode(result) == "ERROR_GET_ORDER")
        }
        try await withEmulator { server in
            let result = try await rapyd(server, "POST", "/v1/orders/order_new", body: #"{"metadata":{"k":"v"}}"#)
            #expect(result.status == 200)
            #expect((result.json["data"] as? [String: Any])?["status"] as? String == "created")
        }
    }

    @Test func unknownV1PathIsUnauthorizedAPICall() async throws {
        try await withEmulator { server in
            let result = try await rapyd(server, "POST", "/v1/payments/x", body: "")
            #expect(result.status == 401)
            #expect(rapydErrorCode(result) == "UNAUTHORIZED_API_CALL")
        }
    }

    @Test func idempotentReplayReturnsTheFirstResponseByteForByte() async throws {
        try await withSeededEmulator { server in
            let body = #"{"metadata":{"run":"r1"}}"#
            let first = try await rapyd(server, "POST", "/v1/orders/order_pending", body: body, idempotency: "k1")
            let second = try await rapyd(server, "POST", "/v1/orders/order_pending", body: body, idempotency: "k1")
            #expect(first.status == 200)
            #expect(second.status == 200)
            #expect(first.body == second.body)
            let conflict = try await rapyd(
                server, "POST", "/v1/orders/order_pending", body: #"{"metadata":{"run":"r2"}}"#, idempotency: "k1")
            #expect(conflict.status == 400)
            #expect(rapydErrorCode(conflict) == RapydRoutes.idempotencyConflictCode)
            let stats = server.stats()
            #expect(stats.appliedByOrder == ["order_pending": 1])
            #expect(stats.idempotentReplays == 1)
            #expect(stats.idempotencyConflicts == 1)
            #expect(stats.keysReusedWithDifferentBody == 1)
        }
    }

    @Test func withIdempotencyOffEveryRequestIsProcessed() async throws {
        try await withSeededEmulator({ $0.idempotency = false }) { server in
            let body = #"{"metadata":{"run":"r1"}}"#
            let first = try await rapyd(server, "POST", "/v1/orders/order_pending", body: body, idempotency: "k1")
            let second = try await rapyd(server, "POST", "/v1/orders/order_pending", body: body, idempotency: "k1")
            #expect(first.status == 200 && second.status == 200)
            #expect(first.body != second.body)  // new operation_id, new response
            var stats = server.stats()
            #expect(stats.appliedByOrder == ["order_pending": 2])
            #expect(stats.keysReusedWithDifferentBody == 0)
            let other = try await rapyd(
                server, "POST", "/v1/orders/order_pending", body: #"{"metadata":{}}"#, idempotency: "k1")
            #expect(other.status == 200)
            stats = server.stats()
            #expect(stats.keysReusedWithDifferentBody == 1)
            #expect(stats.idempotentReplays == 0 && stats.idempotencyConflicts == 0)
        }
    }

    @Test func rateLimitRefusesThe201stRequestInAMinute() async throws {
        try await withEmulator { server in
            // Unsigned requests count too: the WAF sits in front of authentication. One curl process
            // sends them all over one keep-alive connection.
            let url = server.baseURL + "/v1/orders/order_x"
            var arguments = ["-s", "--http1.1", "-w", "%{http_code}\\n", "-H", "access_key: rak_TEST"]
            arguments += (0..<201).flatMap { _ in ["-o", "/dev/null", url] }
            let (_, output) = try await runCurl(arguments)
            let codes = String(decoding: output, as: UTF8.self).split(separator: "\n")
            #expect(codes.count == 201)
            #expect(codes.prefix(200).allSatisfy { $0 == "400" })
            #expect(codes.last == "429")
            let limited = try await rapyd(server, "GET", "/v1/orders/order_x")
            #expect(limited.status == 429)
            #expect(rapydErrorCode(limited) == "TOO_MANY_REQUESTS")
            #expect(limited.header("Retry-After") == nil)
            #expect(server.stats().rateLimited == 2)
            // Another access key has its own windows (and then fails authentication).
            let other = try await http("GET", url, headers: [("access_key", "rak_OTHER")])
            #expect(other.status == 400)
        }
    }

    @Test func rateLimitsCanBeTurnedOff() async throws {
        try await withEmulator({ $0.rateLimits = false }) { server in
            let url = server.baseURL + "/v1/orders/order_x"
            var arguments = ["-s", "--http1.1", "-w", "%{http_code}\\n", "-H", "access_key: rak_TEST"]
            arguments += (0..<210).flatMap { _ in ["-o", "/dev/null", url] }
            let (_, output) = try await runCurl(arguments)
            #expect(!String(decoding: output, as: UTF8.self).contains("429"))
            #expect(server.stats().rateLimited == 0)
        }
    }
}
