/// How long a provider typically takes to answer one request, for `orderbatch plan`'s estimate of a run's
/// duration: at most `concurrency` requests are in flight, so the run cannot go faster than
/// `concurrency / mean latency` requests per second (Little's law).
public struct ProviderLatency: Sendable {
    /// The mean answer time, in milliseconds.
    public var meanMilliseconds: Double
    /// Where the figure comes from, stated with the estimate ("Juspay's published Update Order
    /// percentiles", "assumed: Rapyd publishes none").
    public var source: String

    /// A latency given by its mean.
    ///
    /// - Parameters:
    ///   - meanMilliseconds: The mean answer time.
    ///   - source: Where the figure comes from.
    public init(meanMilliseconds: Double, source: String) {
        self.meanMilliseconds = meanMilliseconds
        self.source = source
    }

    /// A latency given by percentile points, with the exact mean of the piecewise-linear distribution through
    /// them (`Σ (p₁ − p₀) · (ms₀ + ms₁) / 2`, as the emulator's latency models draw it).
    ///
    /// - Parameters:
    ///   - percentiles: `(cumulative probability, milliseconds)` from probability 0 to 1.
    ///   - source: Where the figure comes from.
    public init(percentiles: [(probability: Double, milliseconds: Double)], source: String) {
        let mean = zip(percentiles, percentiles.dropFirst()).reduce(0.0) { sum, segment in
            let (low, high) = segment
            return sum + (high.probability - low.probability) * (low.milliseconds + high.milliseconds) / 2
        }
        self.init(meanMilliseconds: mean, source: source)
    }
}
