import ProviderRules

/// Juspay on the emulator's side: `POST /orders/{order_id}` and `GET /orders/{order_id}` (``JuspayRoutes``),
/// Basic auth with `JUSPAY_API_KEY`, its error bodies, its orders (``JuspayEmulatorState``) and its published
/// latency percentiles (`--latency juspay`).
struct JuspayEmulator: EmulatorProviderModule {
    /// Built once: routes construct a module value per request.
    private static let about = EmulatorProviderInfo(
        name: "juspay", displayName: "Juspay", orderRoute: "/orders/{id}",
        credentials: [(JuspayCredentialRules.apiKeyVariable, JuspayCredentialRules.demoAPIKey)],
        optionalCredentials: [JuspayCredentialRules.merchantIDVariable],
        credentialNote: "\(JuspayCredentialRules.merchantIDVariable), when set, is the only x-merchantid accepted.")

    var info: EmulatorProviderInfo { Self.about }

    var latencyModels: [EmulatorLatency] { [.juspay] }

    /// `POST /orders/{order_id}` (Update Order) and `GET /orders/{order_id}` (Order Status).
    func route(_ request: EmulatorRequest) -> EmulatorRoute? {
        let segments = EmulatorRoute.segments(request)
        guard segments.count == 3, segments[1] == "orders", !segments[2].isEmpty else { return nil }
        let orderID = EmulatorRoute.decoded(segments[2])
        switch request.method {
        case "POST":
            return EmulatorRoute(module: self, statsName: "POST /orders/{order_id}", isUpdate: true) {
                JuspayRoutes(router: $1).update($0, orderID: orderID)
            }
        case "GET":
            return EmulatorRoute(module: self, statsName: "GET /orders/{order_id}", isUpdate: false) {
                JuspayRoutes(router: $1).status($0, orderID: orderID)
            }
        default:
            return nil
        }
    }

    func serviceError(status: Int) -> EmulatorResponse {
        JuspayRoutes.serviceError(status, status == 429 ? "Too Many Requests" : "Service Unavailable")
    }

    /// What Juspay sends for a wrong key: 401 `access_denied`.
    func revokedRefusal() -> EmulatorResponse { JuspayRoutes.unauthorized("Invalid API key.") }

    func makeState() -> any EmulatorProviderState { JuspayEmulatorState() }

    /// Juspay keys: `provider`, `order_id`, `status` (default `NEW`), `amount` (string or number, default
    /// `100.00`), `merchant_id`, and any udf or address field name; any other key is refused.
    func seedOrder(
        orderID: String, _ members: [(String, EmulatorJSON)], into state: any EmulatorProviderState, now: Double
    ) throws(EmulatorError) {
        guard let state = state as? JuspayEmulatorState else { preconditionFailure("not the Juspay state") }
        var order = JuspayOrder(orderID: orderID, status: .new, amount: "100", merchantID: nil, now: now)
        for (key, value) in members {
            switch (key, value) {
            case ("provider", _), ("order_id", _): continue
            case ("status", .string(let text)):
                guard let status = JuspayOrderStatus(rawValue: text) else {
                    throw EmulatorError("unknown Juspay status \(text)")
                }
                order.status = status
            case ("amount", .string(let text)), ("amount", .number(let text)):
                guard JuspayOrder.isValidAmount(text) else { throw EmulatorError("invalid amount \(text)") }
                order.amount = JuspayOrder.normalizedAmount(text)
            case ("merchant_id", .string(let text)): order.merchantID = text
            case (_, .string(let text)) where key != "amount" && JuspayFields.updatable.contains(key):
                order.fields[key] = text
            default: throw EmulatorError("unexpected Juspay key or value type: \(key)")
            }
        }
        state.orders[orderID] = order
    }
}

extension EmulatorLatency {
    /// Each delay drawn from Juspay's published Update Order latency percentiles (``LatencyModel/juspay``).
    public static let juspay = EmulatorLatency(name: "juspay", distribution: .juspay)

    /// The mean of the ``juspay`` distribution in milliseconds, computed from its percentile table.
    ///
    /// A benchmark compares throughput with `concurrency / mean latency`.
    public static var juspayMeanMilliseconds: Double { LatencyModel.juspay.meanMilliseconds }
}

extension LatencyModel {
    /// Juspay Update Order: its published percentiles (``JuspayLatency/updateOrderPercentiles``, plain data
    /// shared with the client, which estimates run durations from them).
    static let juspay = LatencyModel(points: JuspayLatency.updateOrderPercentiles)
}

extension EmulatorCredentials {
    /// The Juspay API key expected as the Basic-auth user name (password empty).
    public var juspayAPIKey: String {
        get { self[JuspayCredentialRules.apiKeyVariable] ?? JuspayCredentialRules.demoAPIKey }
        set { self[JuspayCredentialRules.apiKeyVariable] = newValue }
    }

    /// The required `x-merchantid`; `nil` accepts any non-empty value.
    public var juspayMerchantID: String? {
        get { self[JuspayCredentialRules.merchantIDVariable] }
        set { self[JuspayCredentialRules.merchantIDVariable] = newValue }
    }

    /// The demo Juspay API key used when `JUSPAY_API_KEY` is unset.
    public static let demoJuspayAPIKey = JuspayCredentialRules.demoAPIKey
}
