import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct JuspayRoutesTests {
    @Test func updateAppliesAndAnswersWithTheOrder() async throws {
        try await withEmulator { server in
            let result = try await http(
                "POST", server.baseURL + "/orders/ORD%2D1", headers: juspayHeaders(),
                body: "amount=90.50&udf1=hello+world%21&billing_address_city=S%C3%A3o+Paulo")
            #expect(result.status == 200)
            #expect(result.header("Content-Type") == "application/json")
            let json = result.json
            #expect(json["order_id"] as? String == "ORD-1")
            #expect(json["status"] as? String == "NEW")
            #expect(json["status_id"] as? Int == 10)
            #expect(json["currency"] as? String == "INR")
            #expect(json["merchant_id"] as? String == "merchant_1")
            #expect((json["id"] as? String)?.hasPrefix("ordeh_") == true)
            #expect(json["udf1"] as? String == "hello world!")
            #expect(json["udf10"] as? String == "")
            // The amount is a JSON number, as in Juspay's sample response.
            #expect(result.bodyText.contains(#""amount":90.5,"#))

            let stats = server.stats()
            #expect(stats.appliedTotal == 1)
            #expect(stats.appliedByOrder == ["ORD-1": 1])
            #expect(stats.requests == 1)
            #expect(stats.requestsByRoute == ["POST /orders/{order_id}": 1])

            let stored = try await http("GET", server.baseURL + "/__emulator/orders/juspay/ORD-1")
            let fields = stored.json["fields"] as? [String: String]
            #expect(fields?["billing_address_city"] == "São Paulo")
            #expect(stored.bodyText.contains(#""amount":90.5"#))

            let status = try await http("GET", server.baseURL + "/orders/ORD-1", headers: juspayHeaders(form: false))
            #expect(status.status == 200)
            #expect(status.json["udf1"] as? String == "hello world!")
        }
    }

    @Test func basicAuthIsRequired() async throws {
        try await withEmulator { server in
            for headers in [
                Array(juspayHeaders().dropFirst()),  // no Authorization
                juspayHeaders(apiKey: "wrong"),
                [("Authorization", "Basic " + Data("jp_test:secret".utf8).base64EncodedString())]
                    + juspayHeaders().dropFirst(),
                [("Authorization", "Bearer jp_test")] + juspayHeaders().dropFirst(),
            ] {
                let result = try await http("POST", server.baseURL + "/orders/ORD1", headers: headers, body: "amount=1")
                #expect(result.status == 401)
                #expect(result.json["status"] as? String == "error")
                #expect(result.json["error_code"] as? String == "access_denied")
                #expect(juspayErrorCode(result) == "UNAUTHORIZED")
                #expect((result.json["error_info"] as? [String: Any])?["category"] as? String == "USER_ERROR")
            }
            #expect(server.stats().rejectedAuth == 4)
            #expect(server.stats().appliedTotal == 0)
        }
    }

    @Test func merchantAndRoutingHeadersAreRequired() async throws {
        try await withEmulator { server in
            for missing in ["x-merchantid", "x-routing-id"] {
                let headers = juspayHeaders().filter { $0.0 != missing }
                let result = try await http("POST", server.baseURL + "/orders/ORD1", headers: headers, body: "amount=1")
                #expect(result.status == 400)
                #expect(result.json["error_code"] as? String == "INVALID_REQUEST")
                #expect(juspayErrorCode(result) == "INVALID_INPUT")
                #expect(juspayFieldName(result) == missing)
            }
        }
    }

    @Test func configuredMerchantIDMustMatch() async throws {
        try await withEmulator({ $0.credentials.juspayMerchantID = "merchant_2" }) { server in
            let result = try await http(
                "POST", server.baseURL + "/orders/ORD1", headers: juspayHeaders(), body: "amount=1")
            #expect(result.status == 401)
            #expect(server.stats().rejectedAuth == 1)
        }
    }

    @Test func contentTypeMustBeForm() async throws {
        try await withEmulator { server in
            let headers = juspayHeaders(form: false) + [("Content-Type", "application/json")]
            let result = try await http(
                "POST", server.baseURL + "/orders/ORD1", headers: headers, body: #"{"amount":1}"#)
            #expect(result.status == 400)
            #expect(juspayFieldName(result) == "Content-Type")
            let withCharset =
                juspayHeaders(form: false)
                + [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")]
            let accepted = try await http(
                "POST", server.baseURL + "/orders/ORD1", headers: withCharset, body: "amount=1")
            #expect(accepted.status == 200)
        }
    }

    @Test(arguments: [
        ("amount=1&colour=red", "colour"),
        ("amount=%ZZ", "body"),
        ("amount=1&&udf1=x", "body"),
        ("amount", "body"),
        ("amount=%FF", "body"),
        ("amount=1&amount=2", "amount"),
        ("", "amount"),
        ("udf11=x", "udf11"),
        ("udf2=" + String(repeating: "x", count: 256), "udf2"),
    ])
    func invalidFormsAreRefused(body: String, field: String) async throws {
        try await withEmulator { server in
            let result = try await http("POST", server.baseURL + "/orders/ORD1", headers: juspayHeaders(), body: body)
            #expect(result.status == 400)
            #expect(juspayErrorCode(result) == "INVALID_INPUT")
            #expect(juspayFieldName(result) == field)
            #expect(server.stats().appliedTotal == 0)
        }
    }

    @Test(arguments: ["-5", "0", "0.00", "100.153", "1e3", "1.", ".5", "abc", "1,00", " 1"])
    func invalidAmountsAreRefused(amount: String) async throws {
        try await withEmulator { server in
            let body = "amount=" + (amount.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? amount)
            let result = try await http("POST", server.baseURL + "/orders/ORD1", headers: juspayHeaders(), body: body)
            #expect(result.status == 400)
            let fields = (result.json["error_info"] as? [String: Any])?["fields"] as? [[String: String]]
            #expect(fields?.first == ["field_name": "amount", "reason": "Invalid amount"])
        }
    }

    @Test(arguments: ["100", "100.15", "0.5", "007.10"])
    func validAmountsAreAccepted(amount: String) async throws {
        try await withEmulator { server in
            let result = try await http(
                "POST", server.baseURL + "/orders/ORD1", headers: juspayHeaders(), body: "amount=" + amount)
            #expect(result.status == 200)
            #expect((result.json["amount"] as? NSNumber)?.doubleValue == Double(amount))
        }
    }

    @Test func unknownOrderIsNotFoundWhenConfigured() async throws {
        try await withEmulator({ $0.unknownOrders = .notFound }) { server in
            for method in ["POST", "GET"] {
                let result = try await http(
                    method, server.baseURL + "/orders/NOPE1", headers: juspayHeaders(form: method == "POST"),
                    body: method == "POST" ? "amount=1" : nil)
                #expect(result.status == 400)
                #expect(
                    result.bodyText
                        == #"{"status":"NOT_FOUND","error_info":{"user_message":"Order Not Found","#
                        + #""developer_message":"Order Not Found","code":"RESOURCE_NOT_FOUND","#
                        + #""category":"USER_ERROR"},"status_id":40,"order_id":"NOPE1"}"#)
            }
        }
    }

    @Test func updateOfAChargedOrderIsAnInvalidAction() async throws {
        let seed = try temporaryFile(#"{"provider":"juspay","order_id":"PAID1","status":"CHARGED","amount":"10.00"}"#)
        defer { try? FileManager.default.removeItem(at: seed) }
        try await withEmulator({ $0.ordersFile = seed.path }) { server in
            let result = try await http(
                "POST", server.baseURL + "/orders/PAID1", headers: juspayHeaders(), body: "amount=5")
            #expect(result.status == 400)
            #expect(juspayErrorCode(result) == "INVALID_ACTION")
            #expect(
                (result.json["error_info"] as? [String: Any])?["user_message"] as? String
                    == "Update on a charged order is not allowed (order PAID1 is CHARGED, updates need NEW)")
            #expect(server.stats().statusRuleRejections == 1)
            #expect(server.stats().appliedTotal == 0)
            let status = try await http("GET", server.baseURL + "/orders/PAID1", headers: juspayHeaders(form: false))
            #expect(status.json["status"] as? String == "CHARGED")
            #expect(status.json["status_id"] as? Int == 21)
            #expect(status.bodyText.contains(#""amount":10,"#))
        }
    }

    @Test func concurrentUpdatesOfOneOrderAreDuplicateRequests() async throws {
        // The first update is held 15 s; the second is sent once the emulator has received the first
        // (not after a guessed sleep), so the two overlap even when the parallel suite starves this
        // test's client of the CPU for seconds (1.5 s was not enough on 2 cores, and 5 s once failed
        // beside three concurrent builds).
        try await withEmulator({ $0.fixedLatencyMilliseconds = 15_000 }) { server in
            let url = server.baseURL + "/orders/DUP1"
            async let first = http("POST", url, headers: juspayHeaders(), body: "amount=1", maxTime: 40)
            let deadline = ContinuousClock.now + .seconds(10)
            while server.stats().requests < 1 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            async let second = http("POST", url, headers: juspayHeaders(), body: "amount=2", maxTime: 40)
            let results = try await [first, second]
            #expect(results.map(\.status).sorted() == [200, 400])
            #expect(results.contains { juspayErrorCode($0) == "DUPLICATE_REQUEST" })
            #expect(server.stats().duplicateRequests == 1)
            #expect(server.stats().appliedByOrder["DUP1"] == 1)
            // Once the first answer is out, the order is free again.
            let third = try await http("POST", url, headers: juspayHeaders(), body: "amount=3", maxTime: 40)
            #expect(third.status == 200)
        }
    }
}
