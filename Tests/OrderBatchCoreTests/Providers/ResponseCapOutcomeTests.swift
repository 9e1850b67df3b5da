import Foundation
import OrderBatchEmulator
import Testing

@testable import OrderBatchCore

/// What the adapters make of an answer over the response cap: an update's fate is unknown (it is
/// reconciled before any resend), a read is a retryable failure that applied nothing.
@Suite struct ResponseCapOutcomeTests {
    @Test func juspayUpdateOverTheCapMayHaveBeenAppliedAndReadsFailRetryably() async throws {
        try await withProviderEmulator({ $0.padAnswersToBytes = 24 << 20 }) { server, transport in
            let client = ProviderItems.juspayClient(baseURL: server.baseURL, transport: transport, preflight: true)
            let item = try ProviderItems.juspay(JuspayUpdate(orderID: "CAP1", routingID: "c", amount: 12))
            let outcome = await client.send(item, timeoutMilliseconds: 10_000)
            #expect(outcome.errorCode == "response_too_large")
            #expect(outcome.kind == .retryable(retryAfterSeconds: nil))
            #expect(outcome.mayHaveBeenApplied)
            #expect(outcome.message?.contains("1 MiB") == true)
            #expect(server.stats().appliedByOrder["CAP1"] == 1)

            guard case .failed(let read) = await client.reconcile(item, timeoutMilliseconds: 10_000) else {
                Issue.record("a reconciliation over the cap must fail")
                return
            }
            #expect(read.errorCode == "response_too_large")
            #expect(read.kind == .retryable(retryAfterSeconds: nil))
            #expect(!read.mayHaveBeenApplied)
            guard case .failed(let preflight) = await client.preflight(item, timeoutMilliseconds: 10_000) else {
                Issue.record("a preflight over the cap must fail")
                return
            }
            #expect(preflight.errorCode == "response_too_large" && !preflight.mayHaveBeenApplied)
        }
    }

    @Test func rapydUpdateOverTheCapMayHaveBeenApplied() async throws {
        try await withProviderEmulator({
            $0.padAnswersToBytes = 2 << 20
            $0.rateLimits = false
        }) { server, transport in
            let client = ProviderItems.rapydClient(baseURL: server.baseURL, transport: transport, preflight: false)
            let item = try ProviderItems.rapyd(RapydUpdate(orderID: "order_cap1", coupon: "c1"))
            let outcome = await client.send(item, timeoutMilliseconds: 10_000)
            #expect(outcome.errorCode == "response_too_large")
            #expect(outcome.mayHaveBeenApplied)
            guard case .failed(let read) = await client.reconcile(item, timeoutMilliseconds: 10_000) else {
                Issue.record("a reconciliation over the cap must fail")
                return
            }
            #expect(read.errorCode == "response_too_large" && !read.mayHaveBeenApplied)
        }
    }
}
