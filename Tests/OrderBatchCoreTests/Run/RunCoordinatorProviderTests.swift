import Foundation
import OrderBatchCore
import Testing

/// The coordinator builds the job's client itself, from the registered module and the credentials in the
/// environment it was given: a missing variable, an unknown provider and a refused key each end the way
/// `run` documents.
@Suite struct RunCoordinatorProviderTests {
    private func runError(_ body: () async throws -> Void) async -> RunError? {
        do {
            try await body()
        } catch let error as RunError {
            return error
        } catch {
            Issue.record("expected a RunError, got \(error)")
        }
        return nil
    }

    @Test func theClientSendsTheKeyFromTheEnvironment() async throws {
        var f = try RunCoordinatorFixture()
        f.environment = ["JUSPAY_API_KEY": "key-from-env"]
        let input = try f.input(orders: ["ORD1", "ORD2"])
        let transport = FakeJuspayTransport(apiKey: "key-from-env")
        let outcome = try await f.coordinator(transport).run(f.request(input, runID: "r1"))
        #expect(outcome.status == .success)
        #expect(transport.requests > 0)
    }

    @Test func aMissingCredentialExitsSixtyFourAndRecordsNothing() async throws {
        var f = try RunCoordinatorFixture()
        f.environment = [:]
        let input = try f.input(orders: ["ORD1"])
        let transport = FakeJuspayTransport()
        let error = await runError { _ = try await f.coordinator(transport).run(f.request(input, runID: "r1")) }
        #expect(error?.status == .usage)
        #expect(
            error?.message
                == "orderbatch: JUSPAY_API_KEY is not set: export the juspay credential in the environment (job \(f.job.path))"
        )
        #expect(!FileManager.default.fileExists(atPath: f.db))
        #expect(transport.requests == 0)
    }

    @Test func aRefusedKeyStopsTheRunNamingTheVariable() async throws {
        var f = try RunCoordinatorFixture()
        f.environment = ["JUSPAY_API_KEY": "revoked-key"]
        let input = try f.input(orders: ["ORD1", "ORD2", "ORD3"])
        let outcome = try await f.coordinator(FakeJuspayTransport(apiKey: "the-real-key")).run(
            f.request(input, runID: "r1"))
        guard case .executed(let summary) = outcome else {
            Issue.record("expected an executed run, got \(outcome)")
            return
        }
        #expect(outcome.status == .stoppedEarly)
        let reason = try #require(summary.reason)
        #expect(reason.hasPrefix("Juspay refused the credentials ("))
        #expect(reason.hasSuffix("): check JUSPAY_API_KEY, then `orderbatch resume r1`"))
        #expect(try f.storedRun("r1").run.stateReason == reason)
    }

    @Test func aProviderTheRegistryDoesNotKnowExitsSixtyFour() async throws {
        let f = try RunCoordinatorFixture()
        let input = try f.input(orders: ["ORD1"])
        let transport = FakeJuspayTransport()
        let error = await runError {
            _ = try await f.coordinator(transport, registry: ProviderRegistry([])).run(f.request(input, runID: "r1"))
        }
        #expect(error?.status == .usage)
        #expect(error?.message.contains("names provider juspay, which this build does not know") == true)
        #expect(!FileManager.default.fileExists(atPath: f.db))
        #expect(transport.requests == 0)
    }
}
