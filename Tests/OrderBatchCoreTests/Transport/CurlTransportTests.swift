import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

@Suite struct CurlTransportTests {
    // MARK: - Wire bytes

    @Test func postSendsExactlyTheRequestHeadersAndBody() async throws {
        try await TransportFixture.run { server, transport in
            let body = Array(#"{"note":"café ☕","zero":"\#u{0}"}"#.utf8)
            let request = HTTPRequest(
                method: .post, url: server.baseURL + "/__emulator/echo/orders/o1",
                headers: [
                    ("X-First", "1"), ("Content-Type", "application/json"), ("x-empty", ""),
                    ("Authorization", "Basic c2VjcmV0Og=="),
                ],
                body: body, timeoutMilliseconds: 5_000)
            let response = try await transport.send(request)
            #expect(response.status == 200)
            #expect(response.header("content-type")?.hasPrefix("application/json") == true)
            let echo = try EchoedRequest(response)
            #expect(echo.method == "POST")
            #expect(echo.path == "/__emulator/echo/orders/o1")
            #expect(echo.body == body)
            // The request's headers arrive in order, byte for byte…
            let own = echo.headers.filter {
                ["x-first", "content-type", "x-empty", "authorization"].contains($0.name.lowercased())
            }
            #expect(own.map(\.name) == ["X-First", "Content-Type", "x-empty", "Authorization"])
            #expect(own.map(\.value) == ["1", "application/json", "", "Basic c2VjcmV0Og=="])
            // …plus only Host, User-Agent and Content-Length; no Accept, Expect or form Content-Type.
            #expect(
                Set(echo.headers.map { $0.name.lowercased() }) == [
                    "host", "user-agent", "content-length", "x-first", "content-type", "x-empty", "authorization",
                ])
            #expect(echo.values("User-Agent") == ["orderbatch-test/1"])
            #expect(echo.values("Content-Length") == [String(body.count)])
        }
    }

    @Test func emptyPostSendsContentLengthZeroAndNoContentType() async throws {
        try await TransportFixture.run { server, transport in
            let response = try await transport.send(
                HTTPRequest(method: .post, url: server.baseURL + "/__emulator/echo/empty", timeoutMilliseconds: 5_000))
            let echo = try EchoedRequest(response)
            #expect(echo.values("Content-Length") == ["0"])
            #expect(echo.values("Content-Type").isEmpty)
            #expect(echo.values("Expect").isEmpty)
            #expect(echo.body.isEmpty)
        }
    }

    @Test func getSendsNoBodyAndAnOwnUserAgentWins() async throws {
        try await TransportFixture.run { server, transport in
            let response = try await transport.send(
                HTTPRequest(
                    method: .get, url: server.baseURL + "/__emulator/echo/g", headers: [("User-Agent", "custom/2")],
                    timeoutMilliseconds: 5_000))
            let echo = try EchoedRequest(response)
            #expect(echo.method == "GET")
            #expect(echo.values("User-Agent") == ["custom/2"])
            #expect(echo.values("Content-Length").isEmpty)
            #expect(echo.values("Accept").isEmpty)
        }
    }

    @Test func percentEncodedAndDotSegmentsReachTheServerUnchanged() async throws {
        try await TransportFixture.run { server, transport in
            let path = "/__emulator/echo/orders/a%2Fb%20c%25/../%2E%2E/x?q=%41&r=a%2Bb"
            let response = try await transport.send(
                HTTPRequest(method: .get, url: server.baseURL + path, timeoutMilliseconds: 5_000))
            #expect(try EchoedRequest(response).path == path)
        }
    }

    @Test func responseStatusAndHeadersAreReturned() async throws {
        try await TransportFixture.run { server, transport in
            let response = try await transport.send(
                HTTPRequest(
                    method: .get, url: server.baseURL + "/__emulator/status/503?retry_after=7",
                    timeoutMilliseconds: 5_000))
            #expect(response.status == 503)
            #expect(response.header("retry-after") == "7")
            #expect(response.header("Content-Length") == String(response.body.count))
            #expect(response.latencyMilliseconds > 0)
        }
    }

    // MARK: - Concurrency

    @Test func twoHundredRequestsWithSixteenInFlightAllComplete() async throws {
        try await TransportFixture.run(maxConcurrentTransfers: 16) { server, transport in
            let statuses = await withTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let request = HTTPRequest(
                            method: .post, url: server.baseURL + "/__emulator/echo/n\(index)",
                            body: Array("\(index)".utf8), timeoutMilliseconds: 10_000)
                        guard let response = try? await transport.send(request),
                            let echo = try? EchoedRequest(response), echo.body == Array("\(index)".utf8)
                        else { return -1 }
                        return response.status
                    }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test func transfersBeyondTheLimitWaitWithoutUsingTheirTimeout() async throws {
        // One slot: the second request waits ~2 s behind the first, yet its own 1 s timeout covers
        // only its own exchange.
        try await TransportFixture.run(maxConcurrentTransfers: 1) { server, transport in
            async let first = transport.send(
                HTTPRequest(method: .get, url: server.baseURL + "/__emulator/delay/2000", timeoutMilliseconds: 10_000))
            try await TransportFixture.waitForDelayRequests(server, 1)
            let second = try await transport.send(
                HTTPRequest(method: .get, url: server.baseURL + "/__emulator/delay/0", timeoutMilliseconds: 1_000))
            #expect(second.status == 200)
            #expect(try await first.status == 200)
        }
    }

    // MARK: - Failures

    @Test func timeoutIsTimedOutAndMayHaveBeenSent() async throws {
        try await TransportFixture.run { server, transport in
            let error = await TransportFixture.failure(
                transport,
                HTTPRequest(method: .get, url: server.baseURL + "/__emulator/delay/3000", timeoutMilliseconds: 300))
            #expect(error?.kind == .timedOut)
            #expect(error?.requestMayHaveBeenSent == true)
            // The transfer's own clock, not the test's: a loaded machine may resume this task late, but
            // the exchange itself ended at the 300 ms timeout, long before the 3 s answer.
            #expect((error?.latencyMilliseconds ?? 0) >= 250)
            #expect((error?.latencyMilliseconds ?? .infinity) < 2_000)
        }
    }

    @Test func refusedConnectionIsCouldNotConnectAndNotSent() async throws {
        let closed = try await EmulatorServer.start(EmulatorConfiguration())
        let url = closed.baseURL + "/orders/o1"
        try await closed.shutdown()
        await withCurlTransport { transport in
            let error = await TransportFixture.failure(
                transport,
                HTTPRequest(method: .post, url: url, body: Array("a=1".utf8), timeoutMilliseconds: 2_000))
            #expect(error?.kind == .couldNotConnect)
            #expect(error?.requestMayHaveBeenSent == false)
            #expect(error?.detail.contains("curl error 7") == true)
        }
    }

    @Test func unresolvableHostIsDNSFailure() async {
        await withCurlTransport { transport in
            let error = await TransportFixture.failure(
                transport, HTTPRequest(method: .get, url: "http://orderbatch.invalid/", timeoutMilliseconds: 5_000))
            #expect(error?.kind == .dnsFailure)
            #expect(error?.requestMayHaveBeenSent == false)
        }
    }

    @Test func droppedConnectionIsConnectionReset() async throws {
        try await TransportFixture.run { server, transport in
            let error = await TransportFixture.failure(
                transport,
                HTTPRequest(method: .get, url: server.baseURL + "/__emulator/drop", timeoutMilliseconds: 5_000))
            #expect(error?.kind == .connectionReset)
            #expect(error?.requestMayHaveBeenSent == true)
            #expect(error?.detail.contains("curl error 52") == true)
        }
    }

    @Test func serverTCPResetIsConnectionReset() async throws {
        try await TransportFixture.run({ configuration in
            configuration.failRate = 1
            configuration.failWith = .reset
        }) { server, transport in
            let error = await TransportFixture.failure(
                transport,
                HTTPRequest(
                    method: .post, url: server.baseURL + "/orders/ord_1",
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("status=PAID".utf8),
                    timeoutMilliseconds: 5_000))
            #expect(error?.kind == .connectionReset)
            #expect(error?.requestMayHaveBeenSent == true)
            // A fresh connection: libcurl does not resend, so the server saw the request once.
            #expect(server.stats().requests == 1)
        }
    }

    @Test func resetOnAReusedConnectionIsResentOnceByLibcurl() async throws {
        // Documented libcurl behaviour (CurlTransport's doc comment): a reused connection that
        // dies before any response byte gets the request resent on a fresh connection.
        try await TransportFixture.run({ configuration in
            configuration.failRate = 1
            configuration.failWith = .reset
        }) { server, transport in
            _ = try await transport.send(
                HTTPRequest(method: .get, url: server.baseURL + "/__emulator/echo/warm", timeoutMilliseconds: 5_000))
            let error = await TransportFixture.failure(
                transport,
                HTTPRequest(
                    method: .post, url: server.baseURL + "/orders/ord_1", body: Array("status=PAID".utf8),
                    timeoutMilliseconds: 5_000))
            #expect(error?.kind == .connectionReset)
            #expect(server.stats().requests == 2)
        }
    }

    @Test func httpsToAPlainHTTPPortIsTLS() async throws {
        try await TransportFixture.run { server, transport in
            let url = server.baseURL.replacingOccurrences(of: "http://", with: "https://") + "/orders/o1"
            let error = await TransportFixture.failure(
                transport, HTTPRequest(method: .post, url: url, body: Array("a".utf8), timeoutMilliseconds: 5_000))
            // OpenSSL reads the emulator's plain-text 400 answer as a bad record: CURLE_SSL_CONNECT_ERROR.
            #expect(error?.kind == .tls)
            #expect(error?.requestMayHaveBeenSent == false)
        }
    }

    @Test func onlyHTTPAndHTTPSAreAllowed() async {
        await withCurlTransport { transport in
            let error = await TransportFixture.failure(
                transport, HTTPRequest(method: .get, url: "file:///etc/passwd", timeoutMilliseconds: 1_000))
            #expect(error?.kind == .other)
            #expect(error?.requestMayHaveBeenSent == false)
        }
    }

    @Test func headerInjectionIsRefusedWithoutSending() async throws {
        try await TransportFixture.run { server, transport in
            let error = await TransportFixture.failure(
                transport,
                HTTPRequest(
                    method: .get, url: server.baseURL + "/__emulator/echo/x",
                    headers: [("X-Api-Key", "sk_live_1\r\nX-Evil: 1")], timeoutMilliseconds: 1_000))
            #expect(error?.kind == .other)
            #expect(error?.requestMayHaveBeenSent == false)
            #expect(error?.detail.contains("X-Api-Key") == true)
            #expect(error?.detail.contains("sk_live") == false)
        }
    }

    // MARK: - Cancellation and shutdown

    @Test func cancellingTheCallingTaskEndsTheTransferQuickly() async throws {
        try await TransportFixture.run { server, transport in
            let task = Task { () async -> TransportError? in
                await TransportFixture.failure(
                    transport,
                    HTTPRequest(
                        method: .get, url: server.baseURL + "/__emulator/delay/120000", timeoutMilliseconds: 240_000))
            }
            try await TransportFixture.waitForDelayRequests(server, 1)
            task.cancel()
            let error = await task.value
            // No clock: the answer would come after 2 min with status 200 (no error at all), and the
            // transfer's own timeout after 4 min; a `cancelled` error shows the cancellation aborted it.
            #expect(error?.kind == .cancelled)
            #expect(error?.requestMayHaveBeenSent == true)
            // The transport is still usable afterwards.
            let response = try await transport.send(
                HTTPRequest(method: .get, url: server.baseURL + "/__emulator/delay/0", timeoutMilliseconds: 5_000))
            #expect(response.status == 200)
        }
    }

    @Test func cancellingAWaitingTransferSaysNothingWasSent() async throws {
        try await TransportFixture.run(maxConcurrentTransfers: 1) { server, transport in
            // The only transfer slot stays busy for 2 min (cancelled at the end), so the waiter
            // cannot start however slowly this test is scheduled on a loaded machine.
            let blocker = Task {
                try await transport.send(
                    HTTPRequest(
                        method: .get, url: server.baseURL + "/__emulator/delay/120000", timeoutMilliseconds: 240_000))
            }
            try await TransportFixture.waitForDelayRequests(server, 1)
            let waiter = Task { () async -> TransportError? in
                await TransportFixture.failure(
                    transport,
                    HTTPRequest(method: .get, url: server.baseURL + "/__emulator/delay/0", timeoutMilliseconds: 5_000))
            }
            try await Task.sleep(for: .milliseconds(100))
            waiter.cancel()
            let error = await waiter.value
            #expect(error?.kind == .cancelled)
            #expect(error?.requestMayHaveBeenSent == false)
            blocker.cancel()
            let blocked = await blocker.result
            #expect(throws: TransportError.self) { try blocked.get() }
        }
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        try await TransportFixture.run { server, transport in
            let task = Task { () async -> TransportError? in
                withUnsafeCurrentTask { $0?.cancel() }
                return await TransportFixture.failure(
                    transport,
                    HTTPRequest(method: .get, url: server.baseURL + "/__emulator/echo/x", timeoutMilliseconds: 5_000))
            }
            let error = await task.value
            #expect(error?.kind == .cancelled)
            #expect(error?.requestMayHaveBeenSent == false)
        }
    }

    @Test func shutdownEndsInFlightTransfersAndRefusesNewOnes() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration())
        let transport = CurlTransport(maxConcurrentTransfers: 2)
        let inFlight = Task { () async -> TransportError? in
            await TransportFixture.failure(
                transport,
                HTTPRequest(
                    method: .get, url: server.baseURL + "/__emulator/delay/120000", timeoutMilliseconds: 240_000))
        }
        try await TransportFixture.waitForDelayRequests(server, 1)
        // The answer would take 2 min: only the shutdown can end the transfer, however late this runs.
        await transport.shutdown()
        let error = await inFlight.value
        #expect(error?.kind == .cancelled)
        #expect(error?.detail.contains("shut down") == true)
        let late = await TransportFixture.failure(
            transport, HTTPRequest(method: .get, url: server.baseURL + "/__emulator/echo/x", timeoutMilliseconds: 1_000)
        )
        #expect(late?.kind == .other)
        #expect(late?.requestMayHaveBeenSent == false)
        await transport.shutdown()  // a second call returns at once
        try await server.shutdown()
    }
}
