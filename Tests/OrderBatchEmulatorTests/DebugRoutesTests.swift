import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct DebugRoutesTests {
    @Test func echoReturnsRawPathHeadersAndBody() async throws {
        try await withEmulator { server in
            let result = try await http(
                "PUT", server.baseURL + "/__emulator/echo/a%2Fb?q=1+2&r=%41",
                headers: [("X-Mixed-Case", "v1"), ("x-second", "two words"), ("X-Mixed-Case", "v2")],
                body: "a=1&b=\u{e9}")
            #expect(result.status == 200)
            let json = result.json
            #expect(json["method"] as? String == "PUT")
            #expect(json["path"] as? String == "/__emulator/echo/a%2Fb?q=1+2&r=%41")
            let headers = (json["headers"] as? [[String]]) ?? []
            let custom = headers.filter { $0[0].lowercased().hasPrefix("x-") }
            #expect(custom == [["X-Mixed-Case", "v1"], ["x-second", "two words"], ["X-Mixed-Case", "v2"]])
            #expect(headers.contains(["Content-Length", "8"]))  // é is two bytes
            #expect(json["body_base64"] as? String == Data("a=1&b=\u{e9}".utf8).base64EncodedString())
        }
    }

    @Test func statusRouteSetsStatusAndRetryAfter() async throws {
        try await withEmulator { server in
            let result = try await http("GET", server.baseURL + "/__emulator/status/503?retry_after=7")
            #expect(result.status == 503)
            #expect(result.header("Retry-After") == "7")
            let plain = try await http("GET", server.baseURL + "/__emulator/status/429")
            #expect(plain.status == 429)
            #expect(plain.header("Retry-After") == nil)
            let noContent = try await http("GET", server.baseURL + "/__emulator/status/204")
            #expect(noContent.status == 204)
        }
    }

    @Test func delayRouteWaits() async throws {
        try await withEmulator { server in
            let clock = ContinuousClock()
            let started = clock.now
            let result = try await http("GET", server.baseURL + "/__emulator/delay/250")
            #expect(result.status == 200)
            #expect(clock.now - started >= .milliseconds(250))
            #expect(server.stats().delayRequests == 1)
        }
    }

    @Test func dropAndResetCloseWithoutAResponse() async throws {
        try await withEmulator { server in
            let dropped = try await http("GET", server.baseURL + "/__emulator/drop")
            #expect(dropped.exitCode == 52)  // CURLE_GOT_NOTHING: empty reply
            let reset = try await http("GET", server.baseURL + "/__emulator/reset")
            #expect(reset.exitCode == 56)  // CURLE_RECV_ERROR: connection reset
        }
    }

    @Test func statsAndResetStats() async throws {
        try await withEmulator { server in
            _ = try await http("POST", server.baseURL + "/orders/S1", headers: juspayHeaders(), body: "amount=1")
            let stats = try await http("GET", server.baseURL + "/__emulator/stats")
            let decoded = try JSONDecoder().decode(EmulatorStats.self, from: Data(stats.body))
            #expect(decoded.appliedTotal == 1)
            #expect(decoded == server.stats())
            let reset = try await http("POST", server.baseURL + "/__emulator/reset-stats")
            #expect(reset.status == 200)
            #expect(server.stats() == EmulatorStats())
            // Orders survive a stats reset.
            let order = try await http("GET", server.baseURL + "/__emulator/orders/juspay/S1")
            #expect(order.status == 200)
            let missing = try await http("GET", server.baseURL + "/__emulator/orders/rapyd/S1")
            #expect(missing.status == 404)
        }
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await withEmulator { server in
            let url = server.baseURL + "/__emulator/status/200"
            let arguments =
                ["-s", "--http1.1", "-w", "%{http_code} %{num_connects}\\n"]
                + (0..<20).flatMap { _ in ["-o", "/dev/null", url] }
            let (_, output) = try await runCurl(arguments)
            let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 20)
            #expect(lines.dropFirst().allSatisfy { $0 == "200 0" })
        }
    }

    @Test func unknownPathIs404() async throws {
        try await withEmulator { server in
            let plain = try await http("GET", server.baseURL + "/nope")
            let debug = try await http("GET", server.baseURL + "/__emulator/nope")
            #expect(plain.status == 404 && debug.status == 404)
            #expect(server.stats().requestsByRoute == ["other": 1])
        }
    }
}
