/// Every provider's state (its orders first of all), by provider name: what an orders file seeds and the
/// router keeps under its lock.
struct OrderBook: Sendable {
    /// Each registered provider's state, by ``EmulatorProviderInfo/name``.
    let states: [String: any EmulatorProviderState]

    /// Empty states for `modules` (the registered providers unless a test says otherwise).
    init(modules: [any EmulatorProviderModule] = EmulatorProviders.modules) {
        states = Dictionary(modules.map { ($0.info.name, $0.makeState()) }, uniquingKeysWith: { first, _ in first })
    }

    /// The state of the provider whose state type is `S`.
    ///
    /// A provider asks only for its own type, which ``init(modules:)`` created; a missing one is a
    /// registration bug, not a request's fault.
    func state<S: EmulatorProviderState>(_ type: S.Type) -> S {
        for state in states.values {
            if let state = state as? S { return state }
        }
        preconditionFailure("\(S.self) is not the state of a registered emulator provider")
    }
}
