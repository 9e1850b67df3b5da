import Foundation

/// Turns each request into an ``EmulatorAction``: debug routes, fault injection, latency, then the
/// route of the provider module that claims the request (``EmulatorProviders/modules``).
///
/// Shared by every connection; all mutable state is in ``state`` behind one lock, and no lock is held
/// while a response is written or a delay runs.
final class EmulatorRouter: Sendable {
    let configuration: EmulatorConfiguration
    let state: LockedState<EmulatorState>
    let faults: FaultInjector
    /// The providers served, in registration order: the first whose route matches answers.
    let modules: [any EmulatorProviderModule]
    /// Wall-clock seconds since 1970; replaceable so tests can move time.
    let clock: @Sendable () -> Double

    init(
        configuration: EmulatorConfiguration, orders: OrderBook,
        modules: [any EmulatorProviderModule] = EmulatorProviders.modules,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.configuration = configuration
        self.modules = modules
        var initial = EmulatorState(orders: orders)
        initial.credentials = CredentialRevocation(revokeAfter: configuration.revokeCredentialsAfterUpdates)
        initial.garble = configuration.garble
        initial.padAnswersToBytes = configuration.padAnswersToBytes
        initial.padChunked = configuration.padChunked
        self.state = LockedState(initial)
        self.faults = FaultInjector(
            failRate: configuration.failRate, fault: configuration.failWith, seed: configuration.seed)
        self.clock = clock
    }

    /// Decides what to do with one complete request.
    func handle(_ request: EmulatorRequest) -> EmulatorAction {
        if request.path.hasPrefix("/__emulator/") { return handleDebug(request) }
        let route = modules.lazy.compactMap { $0.route(request) }.first
        let (index, latency) = state.withLock { state in
            state.stats.requests += 1
            state.perMinute.record(at: clock())
            state.stats.requestsByRoute[route?.statsName ?? "other", default: 0] += 1
            defer { state.nextRequestIndex += 1 }
            return (state.nextRequestIndex, state.latency ?? configuration.latency)
        }
        guard let route else { return .respond(unroutedResponse(request)) }
        let delay = latencyMilliseconds(forRequest: index, model: latency)
        if let fault = faults.fault(forRequest: index) {
            state.withLock { $0.stats.faultsInjected += 1 }
            return faultAction(fault, module: route.module, delay: delay)
        }
        if let refusal = refusalIfRevoked(route.module) {
            return .respond(shaped(refusal, isUpdate: route.isUpdate), delayMilliseconds: delay, completion: nil)
        }
        let (response, completion) = route.respond(request, self)
        return .respond(shaped(response, isUpdate: route.isUpdate), delayMilliseconds: delay, completion: completion)
    }

    /// The answer for a path no route serves: the first provider that claims it (a wrong path or method under
    /// its prefix), otherwise a plain 404.
    func unroutedResponse(_ request: EmulatorRequest) -> EmulatorResponse {
        modules.lazy.compactMap { $0.unroutedResponse(request) }.first
            ?? .json(404, .object([("error", .string("not found"))]))
    }

    /// The artificial delay for the provider request with this index.
    func latencyMilliseconds(forRequest index: UInt64, model: EmulatorLatency) -> Double {
        if let fixed = configuration.fixedLatencyMilliseconds { return fixed }
        guard let distribution = model.distribution else { return 0 }
        let u = FaultInjector.uniform(seed: configuration.seed, stream: .latency, index: index)
        return distribution.milliseconds(at: u)
    }

    /// The action for an injected fault. Nothing has been applied when this is called.
    private func faultAction(
        _ fault: EmulatorFault, module: any EmulatorProviderModule, delay: Double
    )
        -> EmulatorAction
    {
        switch fault {
        case .http503:
            return .respond(module.serviceError(status: 503), delayMilliseconds: delay, completion: nil)
        case .http429:
            var response = module.serviceError(status: 429)
            response.headers.append(EmulatorResponse.Header(name: "Retry-After", value: "1"))
            return .respond(response, delayMilliseconds: delay, completion: nil)
        case .reset:
            return .close(delayMilliseconds: delay, reset: true)
        case .hang:
            return .hang
        }
    }
}
