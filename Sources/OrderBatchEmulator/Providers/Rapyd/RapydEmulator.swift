import Foundation
import ProviderRules

/// Rapyd on the emulator's side: `POST /v1/orders/{order}` and `GET /v1/orders/{order}` (``RapydRoutes``), the
/// signed headers with `RAPYD_ACCESS_KEY` and `RAPYD_SECRET_KEY`, its envelope, its idempotency cache and WAF
/// windows, and its orders (``RapydEmulatorState``).
struct RapydEmulator: EmulatorProviderModule {
    /// Built once: routes construct a module value per request.
    private static let about = EmulatorProviderInfo(
        name: "rapyd", displayName: "Rapyd", orderRoute: "/v1/orders/{id}",
        credentials: [
            (RapydCredentialRules.accessKeyVariable, RapydCredentialRules.demoAccessKey),
            (RapydCredentialRules.secretKeyVariable, RapydCredentialRules.demoSecretKey),
        ])

    var info: EmulatorProviderInfo { Self.about }

    /// `POST /v1/orders/{order}` (Update an Order) and `GET /v1/orders/{order}` (Retrieve an Order).
    func route(_ request: EmulatorRequest) -> EmulatorRoute? {
        let segments = EmulatorRoute.segments(request)
        guard segments.count == 4, segments[1] == "v1", segments[2] == "orders", !segments[3].isEmpty else {
            return nil
        }
        let orderID = EmulatorRoute.decoded(segments[3])
        switch request.method {
        case "POST":
            return EmulatorRoute(module: self, statsName: "POST /v1/orders/{order}", isUpdate: true) {
                RapydRoutes(router: $1).update($0, orderID: orderID)
            }
        case "GET":
            return EmulatorRoute(module: self, statsName: "GET /v1/orders/{order}", isUpdate: false) {
                RapydRoutes(router: $1).retrieve($0, orderID: orderID)
            }
        default:
            return nil
        }
    }

    /// Any other method or path under `/v1/`: Rapyd's 401 `UNAUTHORIZED_API_CALL` (FACTS.md §2.6: "wrong path
    /// or method").
    func unroutedResponse(_ request: EmulatorRequest) -> EmulatorResponse? {
        let segments = EmulatorRoute.segments(request)
        guard segments.count > 1, segments[1] == "v1" else { return nil }
        return RapydRoutes.error(
            401, code: "UNAUTHORIZED_API_CALL",
            "The request tried to call an API path or method that does not exist. Corrective action: "
                + "Check the URL and the HTTP method.")
    }

    func serviceError(status: Int) -> EmulatorResponse {
        status == 429
            ? RapydRoutes.error(429, code: "TOO_MANY_REQUESTS", "Too many requests")
            : RapydRoutes.error(status, code: "SERVICE_UNAVAILABLE", "The service is temporarily unavailable")
    }

    /// What Rapyd sends for a wrong key: 401 `UNAUTHENTICATED_API_CALL`.
    func revokedRefusal() -> EmulatorResponse { RapydRoutes.unauthenticated("The access key is not valid.") }

    func makeState() -> any EmulatorProviderState { RapydEmulatorState() }

    /// Rapyd keys: `provider`, `order_id`, `status` (default `created`), `amount` (number or numeric string,
    /// default 100), `currency` (default `USD`), `metadata` (object), `tax_percent` (number), `coupon`; any other
    /// key is refused.
    func seedOrder(
        orderID: String, _ members: [(String, EmulatorJSON)], into state: any EmulatorProviderState, now: Double
    ) throws(EmulatorError) {
        guard let state = state as? RapydEmulatorState else { preconditionFailure("not the Rapyd state") }
        var order = RapydOrder(id: orderID, status: .created, now: now)
        for (key, value) in members {
            switch (key, value) {
            case ("provider", _), ("order_id", _): continue
            case ("status", .string(let text)):
                guard let status = RapydOrderStatus(rawValue: text) else {
                    throw EmulatorError("unknown Rapyd status \(text)")
                }
                order.status = status
            case ("amount", .number): order.amount = value
            case ("amount", .string(let text)):
                guard case .number = (try? EmulatorJSON.parse(Array(text.utf8))) ?? .null else {
                    throw EmulatorError("invalid amount \(text)")
                }
                order.amount = .number(text)
            case ("currency", .string(let text)): order.currency = text
            case ("metadata", .object): order.metadata = value
            case ("tax_percent", .number): order.taxPercent = value
            case ("coupon", .string(let text)): order.coupon = text
            default: throw EmulatorError("unexpected Rapyd key or value type: \(key)")
            }
        }
        state.orders[orderID] = order
    }
}

extension EmulatorCredentials {
    /// The Rapyd `access_key` header value.
    public var rapydAccessKey: String {
        get { self[RapydCredentialRules.accessKeyVariable] ?? RapydCredentialRules.demoAccessKey }
        set { self[RapydCredentialRules.accessKeyVariable] = newValue }
    }

    /// The Rapyd secret key used to check `signature`.
    public var rapydSecretKey: String {
        get { self[RapydCredentialRules.secretKeyVariable] ?? RapydCredentialRules.demoSecretKey }
        set { self[RapydCredentialRules.secretKeyVariable] = newValue }
    }

    /// The demo Rapyd access key used when `RAPYD_ACCESS_KEY` is unset.
    public static let demoRapydAccessKey = RapydCredentialRules.demoAccessKey
    /// The demo Rapyd secret key used when `RAPYD_SECRET_KEY` is unset.
    public static let demoRapydSecretKey = RapydCredentialRules.demoSecretKey
}
