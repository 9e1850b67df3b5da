import Foundation

/// Turns each request into an ``EmulatorAction``: debug routes, fault injection, latency, then the
/// provider routes (``JuspayRoutes``, ``RapydRoutes``).
///
/// Shared by every connection; all mutable state is in ``state`` behind one lock, and no lock is held
/// while a response is written or a delay runs.
final class EmulatorRouter: Sendable {
    let configuration: EmulatorConfiguration
    let state: LockedState<EmulatorState>
    let faults: FaultInjector
    /// Wall-clock seconds since 1970; replaceable so tests can move time.
    let clock: @Sendable () -> Double

    init(
        configuration: EmulatorConfiguration, orders: OrderBook,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.configuration = configuration
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
        let route = ProviderRoute(request)
        let (index, latency) = state.withLock { state in
            state.stats.requests += 1
            state.stats.requestsByRoute[route.statsName, default: 0] += 1
            defer { state.nextRequestIndex += 1 }
            return (state.nextRequestIndex, state.latency ?? configuration.latency)
        }
        guard route.isAPI else { return .respond(route.unroutedResponse) }
        let delay = latencyMilliseconds(forRequest: index, model: latency)
        if let fault = faults.fault(forRequest: index) {
            state.withLock { $0.stats.faultsInjected += 1 }
            return faultAction(fault, provider: route.provider, delay: delay)
        }
        if let refusal = refusalIfRevoked(route) {
            return .respond(shaped(refusal, route: route), delayMilliseconds: delay, completion: nil)
        }
        let (response, completion) =
            switch route {
            case .juspayUpdate(let orderID): JuspayRoutes(router: self).update(request, orderID: orderID)
            case .juspayStatus(let orderID): JuspayRoutes(router: self).status(request, orderID: orderID)
            case .rapydUpdate(let orderID): RapydRoutes(router: self).update(request, orderID: orderID)
            case .rapydRetrieve(let orderID): RapydRoutes(router: self).retrieve(request, orderID: orderID)
            case .rapydUnknown, .other: (route.unroutedResponse, nil as (@Sendable () -> Void)?)
            }
        return .respond(shaped(response, route: route), delayMilliseconds: delay, completion: completion)
    }

    /// The artificial delay for the provider request with this index.
    func latencyMilliseconds(forRequest index: UInt64, model: EmulatorLatency) -> Double {
        if let fixed = configuration.fixedLatencyMilliseconds { return fixed }
        switch model {
        case .none: return 0
        case .juspay:
            let u = FaultInjector.uniform(seed: configuration.seed, stream: .latency, index: index)
            return LatencyModel.juspay.milliseconds(at: u)
        }
    }

    /// The action for an injected fault. Nothing has been applied when this is called.
    private func faultAction(_ fault: EmulatorFault, provider: Provider, delay: Double) -> EmulatorAction {
        let retryAfter = [EmulatorResponse.Header(name: "Retry-After", value: "1")]
        switch (fault, provider) {
        case (.http503, .juspay):
            return .respond(
                JuspayRoutes.serviceError(503, "Service Unavailable"), delayMilliseconds: delay, completion: nil)
        case (.http503, .rapyd):
            let response = RapydRoutes.error(503, code: "SERVICE_UNAVAILABLE", "The service is temporarily unavailable")
            return .respond(response, delayMilliseconds: delay, completion: nil)
        case (.http429, .juspay):
            var response = JuspayRoutes.serviceError(429, "Too Many Requests")
            response.headers += retryAfter
            return .respond(response, delayMilliseconds: delay, completion: nil)
        case (.http429, .rapyd):
            var response = RapydRoutes.error(429, code: "TOO_MANY_REQUESTS", "Too many requests")
            response.headers += retryAfter
            return .respond(response, delayMilliseconds: delay, completion: nil)
        case (.reset, _):
            return .close(delayMilliseconds: delay, reset: true)
        case (.hang, _):
            return .hang
        }
    }
}

/// Which provider a route belongs to.
enum Provider: String, Sendable {
    case juspay, rapyd
}

/// A request's route outside `/__emulator/`.
enum ProviderRoute: Equatable {
    /// `POST /orders/{order_id}`; `nil` when the id does not percent-decode.
    case juspayUpdate(String?)
    /// `GET /orders/{order_id}`.
    case juspayStatus(String?)
    /// `POST /v1/orders/{order}`.
    case rapydUpdate(String?)
    /// `GET /v1/orders/{order}`.
    case rapydRetrieve(String?)
    /// Any other method or path under `/v1/`.
    case rapydUnknown
    /// Anything else.
    case other

    init(_ request: EmulatorRequest) {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false)
        func decoded(_ segment: Substring) -> String? {
            guard !segment.isEmpty else { return nil }
            return try? FormDecoding.percentDecode(segment.utf8, plusIsSpace: false)
        }
        switch (request.method, segments.count) {
        case ("POST", 3) where segments[1] == "orders" && !segments[2].isEmpty:
            self = .juspayUpdate(decoded(segments[2]))
        case ("GET", 3) where segments[1] == "orders" && !segments[2].isEmpty:
            self = .juspayStatus(decoded(segments[2]))
        case ("POST", 4) where segments[1] == "v1" && segments[2] == "orders" && !segments[3].isEmpty:
            self = .rapydUpdate(decoded(segments[3]))
        case ("GET", 4) where segments[1] == "v1" && segments[2] == "orders" && !segments[3].isEmpty:
            self = .rapydRetrieve(decoded(segments[3]))
        default:
            self = segments.count > 1 && segments[1] == "v1" ? .rapydUnknown : .other
        }
    }

    /// The key in ``EmulatorStats/requestsByRoute``.
    var statsName: String {
        switch self {
        case .juspayUpdate: "POST /orders/{order_id}"
        case .juspayStatus: "GET /orders/{order_id}"
        case .rapydUpdate: "POST /v1/orders/{order}"
        case .rapydRetrieve: "GET /v1/orders/{order}"
        case .rapydUnknown, .other: "other"
        }
    }

    /// Whether faults and latency apply (the four provider API routes).
    var isAPI: Bool { self != .rapydUnknown && self != .other }

    /// Whether the route changes an order (Update Order) rather than reading it.
    var isUpdate: Bool {
        switch self {
        case .juspayUpdate, .rapydUpdate: true
        default: false
        }
    }

    var provider: Provider {
        switch self {
        case .juspayUpdate, .juspayStatus, .other: .juspay
        case .rapydUpdate, .rapydRetrieve, .rapydUnknown: .rapyd
        }
    }

    /// The answer for a path no route serves: Rapyd's 401 `UNAUTHORIZED_API_CALL` under `/v1/`
    /// (FACTS.md §2.6: "wrong path or method"), otherwise a plain 404.
    var unroutedResponse: EmulatorResponse {
        if self == .rapydUnknown {
            return RapydRoutes.error(
                401, code: "UNAUTHORIZED_API_CALL",
                "The request tried to call an API path or method that does not exist. Corrective action: "
                    + "Check the URL and the HTTP method.")
        }
        return .json(404, .object([("error", .string("not found"))]))
    }
}
