/// Decides when the next request may start: every ``RateWindow`` exactly, a paced allowed rate
/// that a 429 lowers and successes raise again (AIMD), and a run-wide pause a 429's
/// `Retry-After` asks for.
///
/// Pure value type on the driver's clock: ask ``earliestStart(now:)``, and call
/// ``recordStart(at:)`` for each request that starts.
///
/// - **Windows** are exact sliding logs: each keeps the times of its last `limit` starts, and a
///   start at `t` is allowed only when the oldest of them is at least `seconds` old
///   (`t >= oldest + seconds`). Hence at most `limit` starts in any half-open `seconds`-long
///   interval, whatever the pacing does. Rapyd blocks a client for five minutes past its
///   second limit, so this is never exceeded, not even by one.
/// - **Pacing** is a token bucket at the allowed rate holding at most a tenth of a second of
///   tokens (at least one), so requests are spread out rather than fired in a burst.
/// - **AIMD**: see ``ExecutorPolicy/AdaptiveRate``.
public struct RateLimiter: Sendable {
    /// The published windows being enforced.
    public let windows: [RateWindow]
    /// The rate AIMD climbs back to: the tightest window's rate, or, with no window, the rate
    /// observed when the first 429 arrived; nil while unlimited.
    public private(set) var ceiling: Double?
    /// Requests per second currently allowed; nil while unlimited.
    public private(set) var allowedRate: Double?
    /// No request starts before this time (a 429's capped `Retry-After`).
    public private(set) var pausedUntil: Double = -Double.infinity

    private let adaptive: ExecutorPolicy.AdaptiveRate
    private var logs: [SlidingLog]
    private var tokens: Double = 1
    private var tokensUpdatedAt: Double = -Double.infinity
    private var lastDecreaseAt: Double = -Double.infinity
    private var observed = StartCounter()

    /// The bucket holds this many seconds of tokens (at least one token).
    private static let burstSeconds = 0.1

    /// Creates a limiter enforcing `windows`, paced at the tightest window's rate.
    public init(windows: [RateWindow], adaptive: ExecutorPolicy.AdaptiveRate = .init()) {
        self.windows = windows
        self.adaptive = adaptive
        self.logs = windows.map { SlidingLog(window: $0) }
        let ceiling = windows.map(\.ratePerSecond).min()
        self.ceiling = ceiling
        self.allowedRate = ceiling
        self.tokens = ceiling.map(Self.capacity(at:)) ?? 1
    }

    /// The earliest time, not before `now`, at which a request may start.
    public func earliestStart(now: Double) -> Double {
        var earliest = max(now, pausedUntil)
        for log in logs {
            if let freesAt = log.nextAllowed() { earliest = max(earliest, freesAt) }
        }
        if let rate = allowedRate {
            let available = tokens(at: earliest, rate: rate)
            if available < 1 - 1e-9 { earliest = max(earliest, earliest + (1 - available) / rate) }
        }
        return earliest
    }

    /// Whether a request may start at `now`.
    public func canStart(now: Double) -> Bool { earliestStart(now: now) <= now }

    /// Records that a request started at `now`.
    public mutating func recordStart(at now: Double) {
        for index in logs.indices { logs[index].append(now) }
        if let rate = allowedRate {
            tokens = tokens(at: now, rate: rate) - 1
            tokensUpdatedAt = now
        }
        observed.record(at: now)
    }

    /// A 429 arrived at `now` for a request started at `requestStartedAt`: halve the allowed
    /// rate, once per round trip.
    ///
    /// With no ceiling yet, the observed rate becomes the ceiling.
    public mutating func recordRateLimited(requestStartedAt: Double, now: Double) {
        guard requestStartedAt >= lastDecreaseAt else { return }
        lastDecreaseAt = now
        let current: Double
        if let rate = allowedRate {
            current = rate
        } else {
            let rate = max(observed.rate(now: now), adaptive.floorRate)
            ceiling = rate
            current = rate
        }
        let floorRate = min(adaptive.floorRate, ceiling ?? adaptive.floorRate)
        setRate(max(current * adaptive.decreaseFactor, floorRate), now: now)
    }

    /// A request succeeded at `now`: raise the allowed rate additively toward the ceiling.
    public mutating func recordSuccess(now: Double) {
        guard let rate = allowedRate, let ceiling, rate < ceiling else { return }
        let step = adaptive.increasePerSecond * ceiling / rate
        setRate(min(ceiling, rate + step), now: now)
    }

    /// Starts nothing before `time` (a 429's `Retry-After`, already capped by the caller).
    public mutating func pause(until time: Double) {
        pausedUntil = max(pausedUntil, time)
    }

    // MARK: - Token bucket

    private static func capacity(at rate: Double) -> Double {
        max(1, rate * burstSeconds)
    }

    private func tokens(at time: Double, rate: Double) -> Double {
        guard tokensUpdatedAt > -Double.infinity else { return tokens }
        let refilled = tokens + max(0, time - tokensUpdatedAt) * rate
        return min(Self.capacity(at: rate), refilled)
    }

    private mutating func setRate(_ rate: Double, now: Double) {
        if let old = allowedRate {
            tokens = tokens(at: now, rate: old)
            if tokensUpdatedAt > -Double.infinity { tokensUpdatedAt = now }
        }
        allowedRate = rate
        tokens = min(tokens, Self.capacity(at: rate))
    }
}

// MARK: - Sliding log

/// The start times of one window's last `limit` requests, in a ring.
private struct SlidingLog: Sendable {
    let limit: Int
    let seconds: Double
    var times: [Double] = []
    /// Slot the next start overwrites; once full, it holds the oldest of the last `limit`.
    var next = 0

    init(window: RateWindow) {
        self.limit = window.limit
        self.seconds = window.seconds
        self.times.reserveCapacity(window.limit)
    }

    /// When the next start is allowed, or nil when the window is not full.
    func nextAllowed() -> Double? {
        guard times.count == limit else { return nil }
        return times[next] + seconds
    }

    mutating func append(_ time: Double) {
        if times.count < limit {
            times.append(time)
            next = times.count % limit
        } else {
            times[next] = time
            next = (next + 1) % limit
        }
    }
}

// MARK: - Observed rate

/// Starts per tenth of a second over the last ten seconds, for the rate a first 429 caps.
private struct StartCounter: Sendable {
    static let bucketSeconds = 0.1
    static let buckets = 100
    var counts = [Int](repeating: 0, count: buckets)
    var stamps = [Int64](repeating: .min, count: buckets)
    var firstStart: Double?

    mutating func record(at time: Double) {
        if firstStart == nil { firstStart = time }
        let bucket = Int64((time / Self.bucketSeconds).rounded(.down))
        let slot = Int(((bucket % Int64(Self.buckets)) + Int64(Self.buckets)) % Int64(Self.buckets))
        if stamps[slot] != bucket {
            stamps[slot] = bucket
            counts[slot] = 0
        }
        counts[slot] += 1
    }

    /// Starts in the last ten seconds divided by the time they span (at least one second).
    func rate(now: Double) -> Double {
        guard let firstStart else { return 0 }
        let current = Int64((now / Self.bucketSeconds).rounded(.down))
        var total = 0
        for slot in 0..<Self.buckets where stamps[slot] > current - Int64(Self.buckets) {
            total += counts[slot]
        }
        let span = max(1, min(Double(Self.buckets) * Self.bucketSeconds, now - firstStart))
        return Double(total) / span
    }
}
