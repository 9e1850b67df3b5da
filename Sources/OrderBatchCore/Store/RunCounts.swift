/// How many rows of a run are in each state.
public struct RunCounts: Sendable, Equatable {
    public var total = 0
    public var pending = 0
    public var inFlight = 0
    public var succeeded = 0
    public var failed = 0
    public var skipped = 0
    public var invalid = 0
    public var unknown = 0

    public init() {}

    /// The count for one state.
    public subscript(state: ItemState) -> Int {
        get {
            switch state {
            case .pending: return pending
            case .inFlight: return inFlight
            case .succeeded: return succeeded
            case .failed: return failed
            case .skipped: return skipped
            case .invalid: return invalid
            case .unknown: return unknown
            }
        }
        set {
            switch state {
            case .pending: pending = newValue
            case .inFlight: inFlight = newValue
            case .succeeded: succeeded = newValue
            case .failed: failed = newValue
            case .skipped: skipped = newValue
            case .invalid: invalid = newValue
            case .unknown: unknown = newValue
            }
        }
    }

    /// The states in the order reports list them: the settled ones, then those still to do.
    public static let listedStates: [ItemState] = [
        .succeeded, .failed, .skipped, .invalid, .pending, .inFlight, .unknown,
    ]

    /// Each state's count under its stored name (`in_flight`), in ``listedStates`` order.
    public var byState: [(state: String, count: Int)] { Self.listedStates.map { ($0.rawValue, self[$0]) } }

    /// Rows that need no more work: succeeded, failed, skipped or invalid.
    public var settled: Int { succeeded + failed + skipped + invalid }

    /// Rows still to do: pending, in flight or unknown.
    public var remaining: Int { pending + inFlight + unknown }
}
