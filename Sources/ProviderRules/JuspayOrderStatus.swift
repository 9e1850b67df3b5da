/// Juspay order statuses (Express Checkout appendix and the backend response codes table).
public enum JuspayOrderStatus: String, Sendable, CaseIterable, Codable {
    case new = "NEW"
    case started = "STARTED"
    case charged = "CHARGED"
    case juspayDeclined = "JUSPAY_DECLINED"
    case pendingVBV = "PENDING_VBV"
    case vbvSuccessful = "VBV_SUCCESSFUL"
    case authenticationFailed = "AUTHENTICATION_FAILED"
    case authorizationFailed = "AUTHORIZATION_FAILED"
    case authorizing = "AUTHORIZING"
    case voided = "VOIDED"
    case voidInitiated = "VOID_INITIATED"
    case captureInitiated = "CAPTURE_INITIATED"
    case captureFailed = "CAPTURE_FAILED"
    case voidFailed = "VOID_FAILED"
    case autoRefunded = "AUTO_REFUNDED"
    case notFound = "NOT_FOUND"

    /// The numeric `status_id` Juspay sends beside the status name.
    public var statusID: Int {
        switch self {
        case .new: return 10
        case .started: return 20
        case .charged: return 21
        case .juspayDeclined: return 22
        case .pendingVBV: return 23
        case .vbvSuccessful: return 24
        case .authenticationFailed: return 26
        case .authorizationFailed: return 27
        case .authorizing: return 28
        case .voided: return 31
        case .voidInitiated: return 32
        case .captureInitiated: return 33
        case .captureFailed: return 34
        case .voidFailed: return 35
        case .autoRefunded: return 36
        case .notFound: return 40
        }
    }

    /// Whether orderbatch updates an order in this status by default.
    ///
    /// Juspay's guide warns against updating an order once a transaction has gone to the
    /// payment gateway, so only `NEW` (no transaction yet) is updatable by default.
    public var updatableByDefault: Bool { self == .new }
}
