import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct FaultInjectorTests {
    @Test func decisionsAreDeterministicUnderASeed() {
        let a = FaultInjector(failRate: 0.3, fault: .http503, seed: 42)
        let b = FaultInjector(failRate: 0.3, fault: .http503, seed: 42)
        let c = FaultInjector(failRate: 0.3, fault: .http503, seed: 43)
        let drawsA = (0..<1000).map { a.fault(forRequest: $0) != nil }
        #expect(drawsA == (0..<1000).map { b.fault(forRequest: $0) != nil })
        #expect(drawsA != (0..<1000).map { c.fault(forRequest: $0) != nil })
        let rate = Double(drawsA.filter { $0 }.count) / 1000
        #expect(abs(rate - 0.3) < 0.05)
    }

    @Test func zeroAndOneRatesAreExact() {
        #expect(
            (0..<1000).allSatisfy { FaultInjector(failRate: 0, fault: .hang, seed: 1).fault(forRequest: $0) == nil })
        #expect(
            (0..<1000).allSatisfy { FaultInjector(failRate: 1, fault: .hang, seed: 1).fault(forRequest: $0) == .hang })
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // First outputs of the reference SplitMix64 generator seeded with 0 (state advanced before mixing).
        #expect(FaultInjector.splitMix64(0) == 0xE220_A839_7B1D_CDAF)
        #expect(FaultInjector.splitMix64(0x9E37_79B9_7F4A_7C15) == 0x6E78_9E6A_A1B9_65F4)
    }

    /// The status of each of `count` sequential Juspay requests against a fresh emulator.
    func statuses(seed: UInt64, count: Int, fault: EmulatorFault) async throws -> [Int] {
        try await withEmulator({
            $0.failRate = 0.4
            $0.seed = seed
            $0.failWith = fault
        }) { server in
            var statuses: [Int] = []
            for index in 0..<count {
                let result = try await http(
                    "POST", server.baseURL + "/orders/F\(index)", headers: juspayHeaders(), body: "amount=1")
                statuses.append(result.status)
                if result.status == 429 { #expect(result.header("Retry-After") == "1") }
            }
            let stats = server.stats()
            #expect(stats.faultsInjected == statuses.filter { $0 != 200 }.count)
            #expect(stats.appliedTotal == statuses.filter { $0 == 200 }.count)
            return statuses
        }
    }

    @Test func injectedFaultsRepeatUnderTheSameSeed() async throws {
        let first = try await statuses(seed: 7, count: 20, fault: .http503)
        let second = try await statuses(seed: 7, count: 20, fault: .http503)
        #expect(first == second)
        #expect(first.contains(503) && first.contains(200))
        let injector = FaultInjector(failRate: 0.4, fault: .http503, seed: 7)
        #expect(first == (0..<20).map { injector.fault(forRequest: UInt64($0)) == nil ? 200 : 503 })
        let throttled = try await statuses(seed: 7, count: 20, fault: .http429)
        #expect(throttled == first.map { $0 == 503 ? 429 : 200 })
    }

    @Test func resetClosesWithoutApplying() async throws {
        try await withEmulator({
            $0.failRate = 1
            $0.failWith = .reset
        }) { server in
            let result = try await http(
                "POST", server.baseURL + "/orders/R1", headers: juspayHeaders(), body: "amount=1")
            #expect(result.exitCode == 56)  // CURLE_RECV_ERROR: connection reset by peer
            #expect(result.status == 0)
            #expect(server.stats().appliedTotal == 0)
            #expect(server.stats().faultsInjected == 1)
        }
    }

    @Test func hangNeverResponds() async throws {
        try await withEmulator({
            $0.failRate = 1
            $0.failWith = .hang
        }) { server in
            let started = Date()
            let timed = try await http(
                "POST", server.baseURL + "/orders/H1", headers: juspayHeaders(), body: "amount=1", maxTime: 0.5)
            #expect(timed.exitCode == 28)  // CURLE_OPERATION_TIMEDOUT
            #expect(Date().timeIntervalSince(started) >= 0.5)
            #expect(server.stats().appliedTotal == 0)
        }
    }

    @Test func debugRoutesAreNeverFaulted() async throws {
        try await withEmulator({
            $0.failRate = 1
            $0.failWith = .http503
        }) { server in
            let result = try await http("GET", server.baseURL + "/__emulator/stats")
            #expect(result.status == 200)
        }
    }
}
