/// A latency distribution given by percentile points, sampled by piecewise-linear inverse CDF.
///
/// Between two points `(p₀, ms₀)` and `(p₁, ms₁)` the quantile function is the straight line, so
/// a uniform draw `u` in `p₀..<p₁` maps to `ms₀ + (u − p₀)/(p₁ − p₀) · (ms₁ − ms₀)`. The density is
/// uniform on each segment, which makes the mean exact: `Σ (p₁ − p₀) · (ms₀ + ms₁) / 2`.
struct LatencyModel: Sendable {
    /// Percentile points `(cumulative probability, milliseconds)`, starting at 0 and ending at 1.
    let points: [(probability: Double, milliseconds: Double)]

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
