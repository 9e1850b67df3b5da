import Testing

@testable import OrderBatchEmulator

@Suite struct LatencyModelTests {
    @Test func meanIsComputedFromTheTable() {
        // Σ (p₁ − p₀)(ms₀ + ms₁)/2 over the seven points.
        let expected =
            0.5 * (5 + 19.85) / 2 + 0.4 * (19.85 + 290.28) / 2 + 0.09 * (290.28 + 429.57) / 2
            + 0.009 * (429.57 + 574) / 2 + 0.0009 * (574 + 1075.28) / 2 + 0.0001 * (1075.28 + 1100) / 2
        #expect(abs(EmulatorLatency.juspayMeanMilliseconds - expected) < 1e-9)
        #expect(abs(EmulatorLatency.juspayMeanMilliseconds - 105.998755) < 1e-6)
    }

    @Test func quantilesHitThePublishedPercentiles() {
        let model = LatencyModel.juspay
        #expect(model.milliseconds(at: 0) == 5)
        #expect(abs(model.milliseconds(at: 0.5) - 19.85) < 1e-9)
        #expect(abs(model.milliseconds(at: 0.9) - 290.28) < 1e-9)
        #expect(abs(model.milliseconds(at: 0.99) - 429.57) < 1e-9)
        #expect(abs(model.milliseconds(at: 0.999) - 574) < 1e-9)
        #expect(abs(model.milliseconds(at: 0.9999) - 1075.28) < 1e-9)
        #expect(model.milliseconds(at: 1) == 1100)
    }

    @Test func sampledDrawsHaveTheRightMedianAndMean() throws {
        var configuration = EmulatorConfiguration()
        configuration.latency = .juspay
        configuration.seed = 99
        let router = EmulatorRouter(configuration: configuration, orders: OrderBook())
        let draws = (0..<200_000).map { router.latencyMilliseconds(forRequest: UInt64($0), model: .juspay) }.sorted()
        #expect(abs(draws[draws.count / 2] - 19.85) < 0.5)
        #expect(abs(draws[draws.count * 9 / 10] - 290.28) < 5)
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - EmulatorLatency.juspayMeanMilliseconds) < 2)
        #expect(draws.first! >= 5 && draws.last! <= 1100)
        // Same seed, same draws.
        let again = EmulatorRouter(configuration: configuration, orders: OrderBook())
        #expect(
            (0..<100).allSatisfy {
                again.latencyMilliseconds(forRequest: $0, model: .juspay)
                    == router.latencyMilliseconds(forRequest: $0, model: .juspay)
            })
    }

    @Test func noLatencyIsZero() {
        let router = EmulatorRouter(configuration: EmulatorConfiguration(), orders: OrderBook())
        #expect(router.latencyMilliseconds(forRequest: 3, model: .none) == 0)
    }

    /// The delay `handle` gives the Juspay Order Status request number `index` (0-based).
    private func statusDelay(_ router: EmulatorRouter) -> Double? {
        let request = EmulatorRequest(
            method: "GET", uri: "/orders/L1", headers: juspayHeaders(form: false).map { (name: $0.0, value: $0.1) },
            body: [])
        guard case let .respond(_, delay, _) = router.handle(request) else { return nil }
        return delay
    }

    @Test func theLatencyRouteSwitchesTheModelForLaterRequests() {
        var configuration = EmulatorConfiguration()
        configuration.latency = .juspay
        configuration.credentials = EmulatorCredentials([
            "JUSPAY_API_KEY": "jp_test", "RAPYD_ACCESS_KEY": "a", "RAPYD_SECRET_KEY": "s",
        ])
        let router = EmulatorRouter(configuration: configuration, orders: OrderBook())
        let slow = (0..<20).compactMap { _ in statusDelay(router) }
        #expect(slow.count == 20 && slow.allSatisfy { $0 >= 5 }, "\(slow)")
        let switched = router.handle(
            EmulatorRequest(method: "POST", uri: "/__emulator/latency/none", headers: [], body: []))
        guard case let .respond(response, _, _) = switched else {
            Issue.record("no response")
            return
        }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"latency":"none"}"#)
        #expect((0..<20).compactMap { _ in statusDelay(router) } == Array(repeating: 0, count: 20))
        let refused = router.handle(
            EmulatorRequest(method: "POST", uri: "/__emulator/latency/fast", headers: [], body: []))
        guard case let .respond(bad, _, _) = refused else {
            Issue.record("no response")
            return
        }
        #expect(bad.status == 400)
    }

    @Test func responsesAreDelayedOnTheEventLoop() async throws {
        try await withEmulator({ $0.fixedLatencyMilliseconds = 300 }) { server in
            let clock = ContinuousClock()
            let started = clock.now
            let result = try await http("GET", server.baseURL + "/orders/L1", headers: juspayHeaders(form: false))
            #expect(result.status == 200)
            #expect(clock.now - started >= .milliseconds(300))
        }
    }
}
