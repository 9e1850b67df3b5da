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
        let draws = (0..<200_000).map { router.latencyMilliseconds(forRequest: UInt64($0)) }.sorted()
        #expect(abs(draws[draws.count / 2] - 19.85) < 0.5)
        #expect(abs(draws[draws.count * 9 / 10] - 290.28) < 5)
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - EmulatorLatency.juspayMeanMilliseconds) < 2)
        #expect(draws.first! >= 5 && draws.last! <= 1100)
        // Same seed, same draws.
        let again = EmulatorRouter(configuration: configuration, orders: OrderBook())
        #expect(
            (0..<100).allSatisfy {
                again.latencyMilliseconds(forRequest: $0) == router.latencyMilliseconds(forRequest: $0)
            })
    }

    @Test func noLatencyIsZero() {
        let router = EmulatorRouter(configuration: EmulatorConfiguration(), orders: OrderBook())
        #expect(router.latencyMilliseconds(forRequest: 3) == 0)
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
