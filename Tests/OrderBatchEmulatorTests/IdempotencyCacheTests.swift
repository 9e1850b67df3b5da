import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct IdempotencyCacheTests {
    @Test func keysExpireAfter24Hours() {
        var cache = IdempotencyCache()
        let response = EmulatorResponse(status: 200, body: [1])
        #expect(cache.lookup(scope: "a", key: "k", bodyDigest: [1], now: 0) == .new)
        cache.store(scope: "a", key: "k", bodyDigest: [1], response: response, now: 0)
        #expect(cache.lookup(scope: "a", key: "k", bodyDigest: [1], now: 10) == .sameBody(response))
        #expect(cache.lookup(scope: "a", key: "k", bodyDigest: [2], now: 10) == .differentBody)
        #expect(cache.lookup(scope: "b", key: "k", bodyDigest: [2], now: 10) == .new)
        #expect(cache.lookup(scope: "a", key: "k", bodyDigest: [2], now: 86_400) == .new)
    }
}
