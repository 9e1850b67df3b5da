/// Rows per second over a sliding window (10 s by default), for progress lines and ETAs.
///
/// A moving window follows a run that speeds up or slows down (a provider under load, a
/// 429 back-off) far better than `done / elapsed`, and is steadier than the last interval
/// alone. Samples closer together than ``minimumSpacing`` are merged, so memory stays
/// small however often the executor reports.
public struct RateEstimator: Sendable {
    /// How far back the window reaches, in seconds.
    public let window: Double
    /// The smallest gap between two kept samples, in seconds.
    public let minimumSpacing: Double
    private var samples: [(time: Double, done: Int)] = []

    /// Creates an empty estimator.
    ///
    /// - Parameters:
    ///   - window: Seconds of history the rate is computed over.
    ///   - minimumSpacing: Samples closer than this to the previous kept one are dropped.
    public init(window: Double = 10, minimumSpacing: Double = 0.1) {
        self.window = window
        self.minimumSpacing = minimumSpacing
    }

    /// Records that `done` rows were finished at `time` seconds (a monotonic clock).
    public mutating func record(done: Int, at time: Double) {
        // The newest sample always moves to `now`; the ones before it stay `minimumSpacing` apart.
        if samples.count >= 2, time - samples[samples.count - 2].time < minimumSpacing {
            samples[samples.count - 1] = (time, done)
        } else {
            samples.append((time, done))
        }
        // Keep one sample at or before the window's start, so the window is spanned fully.
        let start = time - window
        var drop = 0
        while drop + 1 < samples.count, samples[drop + 1].time <= start { drop += 1 }
        if drop > 0 { samples.removeFirst(drop) }
    }

    /// The rate over the window, or `nil` until two samples span at least a second.
    public var rowsPerSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.time - first.time >= 1 else { return nil }
        return Double(last.done - first.done) / (last.time - first.time)
    }
}
