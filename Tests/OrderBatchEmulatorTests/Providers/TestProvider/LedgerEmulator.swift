@testable import OrderBatchEmulator

/// A provider registered only in this test target: `PUT /ledger/{id}` sets an entry's amount (the body's
/// text), `GET /ledger/{id}` reads it, both with `x-ledger-token` equal to `LEDGER_TOKEN`. Everything it
/// answers is shaped so that a test can tell it from the router's own answers.
struct LedgerEmulator: EmulatorProviderModule {
    let info = EmulatorProviderInfo(
        name: "ledger", displayName: "Ledger", orderRoute: "/ledger/{id}",
        credentials: [(variable: "LEDGER_TOKEN", demo: "ledger-demo")])

    func route(_ request: EmulatorRequest) -> EmulatorRoute? {
        let segments = EmulatorRoute.segments(request)
        guard segments.count == 3, segments[1] == "ledger", let id = EmulatorRoute.decoded(segments[2]) else {
            return nil
        }
        switch request.method {
        case "PUT":
            return EmulatorRoute(module: self, statsName: "PUT /ledger/{id}", isUpdate: true) { request, router in
                if let refusal = Self.checkToken(request, router) { return (refusal, nil) }
                let amount = String(decoding: request.body, as: UTF8.self)
                let response = router.state.withLock { state -> EmulatorResponse in
                    if let refusal = EmulatorRouter.revokedUpdateRefusal(self, in: &state) { return refusal }
                    state.orders.state(LedgerState.self).amounts[id] = amount
                    state.countApplied(orderID: id)
                    return .json(200, .object([("id", .string(id)), ("amount", .string(amount))]))
                }
                return (response, nil)
            }
        case "GET":
            return EmulatorRoute(module: self, statsName: "GET /ledger/{id}", isUpdate: false) { request, router in
                if let refusal = Self.checkToken(request, router) { return (refusal, nil) }
                let amount = router.state.withLock { $0.orders.state(LedgerState.self).amounts[id] }
                guard let amount else { return (.json(404, .object([("ledger", .string("no entry"))])), nil) }
                return (.json(200, .object([("id", .string(id)), ("amount", .string(amount))])), nil)
            }
        default:
            return nil
        }
    }

    /// Any other method or path under `/ledger/`: 405.
    func unroutedResponse(_ request: EmulatorRequest) -> EmulatorResponse? {
        request.path.hasPrefix("/ledger/") ? .json(405, .object([("ledger", .string("no such route"))])) : nil
    }

    func serviceError(status: Int) -> EmulatorResponse { .json(status, .object([("ledger", .string("busy"))])) }

    func revokedRefusal() -> EmulatorResponse { .json(401, .object([("ledger", .string("revoked"))])) }

    func makeState() -> any EmulatorProviderState { LedgerState() }

    /// Keys: `provider`, `order_id`, `amount` (a string).
    func seedOrder(
        orderID: String, _ members: [(String, EmulatorJSON)], into state: any EmulatorProviderState, now: Double
    ) throws(EmulatorError) {
        guard let state = state as? LedgerState else { preconditionFailure("not the ledger state") }
        for (key, value) in members {
            switch (key, value) {
            case ("provider", _), ("order_id", _): continue
            case ("amount", .string(let text)): state.amounts[orderID] = text
            default: throw EmulatorError("unexpected ledger key: \(key)")
            }
        }
    }

    private static func checkToken(_ request: EmulatorRequest, _ router: EmulatorRouter) -> EmulatorResponse? {
        let expected = router.configuration.credentials["LEDGER_TOKEN"] ?? "ledger-demo"
        guard request.header("x-ledger-token") == expected else {
            router.state.withLock { $0.stats.rejectedAuth += 1 }
            return .json(401, .object([("ledger", .string("bad token"))]))
        }
        return nil
    }
}

/// The ledger's entries.
final class LedgerState: EmulatorProviderState, @unchecked Sendable {
    // @unchecked: touched only under the router's lock.
    var amounts: [String: String] = [:]

    func dump(orderID: String) -> EmulatorJSON? {
        amounts[orderID].map { .object([("provider", .string("ledger")), ("amount", .string($0))]) }
    }
}
