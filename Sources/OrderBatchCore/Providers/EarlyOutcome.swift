/// An ``Outcome`` decided before, or instead of, a successful exchange (an undecodable payload, a
/// refused status, an unreadable body), carried as an error so that the adapters' steps can use
/// typed throws and stop at the first one.
struct EarlyOutcome: Error {
    var outcome: Outcome

    init(_ outcome: Outcome) { self.outcome = outcome }
}
