import Foundation
import Testing

@testable import OrderBatchEmulator

/// A provider registered from this test target (``LedgerEmulator``) is served by the shared router through its
/// module alone: routes, credentials, stats, revocation, injected faults, unrouted paths, seeding and the
/// debug dump, with the same router code the registered providers use.
@Suite struct EmulatorProviderModuleTests {
    private let modules: [any EmulatorProviderModule] = EmulatorProviders.modules + [LedgerEmulator()]

    private func router(
        _ configure: (inout EmulatorConfiguration) -> Void = { _ in }, orders: OrderBook? = nil
    )
        -> EmulatorRouter
    {
        var configuration = EmulatorConfiguration()
        configuration.credentials = EmulatorCredentials(["LEDGER_TOKEN": "tok"])
        configure(&configuration)
        return EmulatorRouter(
            configuration: configuration, orders: orders ?? OrderBook(modules: modules), modules: modules)
    }

    private func send(
        _ router: EmulatorRouter, _ method: String, _ uri: String, body: String = "", token: String? = "tok"
    ) -> EmulatorResponse? {
        let headers = token.map { [(name: "x-ledger-token", value: $0)] } ?? []
        let action = router.handle(EmulatorRequest(method: method, uri: uri, headers: headers, body: Array(body.utf8)))
        guard case .respond(let response, _, let completion) = action else { return nil }
        completion?()
        return response
    }

    private func text(_ response: EmulatorResponse?) -> String {
        String(decoding: response?.body ?? [], as: UTF8.self)
    }

    @Test func itsRoutesAnswerAndAreCountedUnderTheirNames() {
        let router = router()
        #expect(text(send(router, "PUT", "/ledger/A%201", body: "12.50")) == #"{"id":"A 1","amount":"12.50"}"#)
        #expect(text(send(router, "GET", "/ledger/A%201")) == #"{"id":"A 1","amount":"12.50"}"#)
        #expect(send(router, "GET", "/ledger/A1", token: "wrong")?.status == 401)
        let stats = router.stats()
        #expect(stats.requestsByRoute == ["PUT /ledger/{id}": 1, "GET /ledger/{id}": 2])
        #expect(stats.appliedByOrder == ["A 1": 1] && stats.rejectedAuth == 1)
        // The registered providers still answer beside it.
        #expect(send(router, "GET", "/orders/X1", token: nil)?.status == 401)
    }

    @Test func revokedCredentialsGetItsOwnRefusal() {
        let router = router { $0.revokeCredentialsAfterUpdates = 1 }
        #expect(send(router, "PUT", "/ledger/A1", body: "1")?.status == 200)
        let refused = send(router, "PUT", "/ledger/A2", body: "2")
        #expect(refused?.status == 401 && text(refused) == #"{"ledger":"revoked"}"#)
        #expect(text(send(router, "GET", "/ledger/A1")) == #"{"ledger":"revoked"}"#)
        #expect(router.stats().revokedRefusals == 2 && router.stats().appliedTotal == 1)
    }

    @Test func injectedFaultsUseItsBodies() {
        let router = router {
            $0.failRate = 1
            $0.failWith = .http429
        }
        let response = send(router, "PUT", "/ledger/A1", body: "1")
        #expect(response?.status == 429 && text(response) == #"{"ledger":"busy"}"#)
        #expect(response?.headers == [EmulatorResponse.Header(name: "Retry-After", value: "1")])
        #expect(router.stats().faultsInjected == 1 && router.stats().appliedTotal == 0)
    }

    @Test func unroutedPathsUnderItsPrefixAreItsOwnAndOthersAre404() {
        let router = router()
        #expect(send(router, "DELETE", "/ledger/A1")?.status == 405)
        #expect(send(router, "GET", "/elsewhere")?.status == 404)
        #expect(router.stats().requestsByRoute == ["other": 2])
    }

    @Test func anOrdersFileSeedsItAndTheDebugRouteDumpsIt() throws {
        let file = try temporaryFile(#"{"provider":"ledger","order_id":"L1","amount":"7"}"# + "\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let router = router(orders: try OrderSeed.load(path: file.path, now: 0, modules: modules))
        #expect(text(send(router, "GET", "/ledger/L1")) == #"{"id":"L1","amount":"7"}"#)
        #expect(text(send(router, "GET", "/__emulator/orders/ledger/L1")) == #"{"provider":"ledger","amount":"7"}"#)

        let bad = try temporaryFile(#"{"provider":"ledger","order_id":"L1","colour":1}"# + "\n")
        defer { try? FileManager.default.removeItem(at: bad) }
        #expect(throws: EmulatorError("\(bad.path):1: unexpected ledger key: colour")) {
            _ = try OrderSeed.load(path: bad.path, now: 0, modules: modules)
        }
        let unknown = try temporaryFile(#"{"provider":"acme","order_id":"L1"}"# + "\n")
        defer { try? FileManager.default.removeItem(at: unknown) }
        #expect(throws: EmulatorError(#"\#(unknown.path):1: provider must be "juspay", "rapyd" or "ledger""#)) {
            _ = try OrderSeed.load(path: unknown.path, now: 0, modules: modules)
        }
    }
}
