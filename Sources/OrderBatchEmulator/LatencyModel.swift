/// A latency distribution given by percentile points, sampled by piecewise-linear inverse CDF.
///
/// Between two points `(p₀, ms₀)` and `(p₁, ms₁)` the quantile function is the straight line, so
/// a uniform draw `u` in `p₀..<p₁` maps to `ms₀ + (u − p₀)/(p₁ − p₀) · (ms₁ − ms₀)`. The density is
/// uniform on each segment, which makes the mean exact: `Σ (p₁ − p₀) · (ms₀ + ms₁) / 2`.
struct LatencyModel: Sendable {
    /// Percentile points `(cumulative probability, milliseconds)`, starting at 0 and ending at 1.
    let points: [(probability: Double, milliseconds: Double)]

    /// Juspay Update Order, from the "API Latency Guidelines" table of
    /// https://juspay.io/in/docs/api-reference/docs/express-checkout/update-order-api
    /// (TP50 19.85, TP90 290.28, TP99 429.57, TP99.9 574, TP99.99 1075.28 ms).
    ///
    /// Juspay publishes no minimum or maximum; P0 = 5 ms and P100 = 1100 ms are this emulator's
    /// assumptions so that the distribution is bounded.
    static let juspay = LatencyModel(points: [
        (0, 5),
        (0.5, 19.85),
        (0.9, 290.28),
        (0.99, 429.57),
        (0.999, 574),
        (0.9999, 1075.28),
        (1, 1100),
    ])

    /// The exact mean of the piecewise-linear distribution, in milliseconds.
    var meanMilliseconds: Double {
        zip(points, points.dropFirst()).reduce(0) { sum, segment in
            let (low, high) = segment
            return sum + (high.probability - low.probability) * (low.milliseconds + high.milliseconds) / 2
        }
    }

    /// The latency at cumulative probability `u`.
    ///
    /// - Parameter u: A uniform draw in `0..<1` (clamped).
    /// - Returns: Milliseconds.
    func milliseconds(at u: Double) -> Double {
        let u = min(max(u, 0), 1)
        for (low, high) in zip(points, points.dropFirst()) where u < high.probability {
            let fraction = (u - low.probability) / (high.probability - low.probability)
            return low.milliseconds + fraction * (high.milliseconds - low.milliseconds)
        }
        return points[points.count - 1].milliseconds
    }
}
