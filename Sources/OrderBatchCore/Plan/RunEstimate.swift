/// How long a run of `requests` first requests takes under a job's limits: the tightest rate-limit window,
/// and `concurrency` requests in flight at the provider's typical latency; whichever allows fewer requests
/// per second bounds the run.
///
/// The rate limiter paces requests evenly at the tightest window's rate (``RateLimiter``), so a run bound by
/// a window takes `requests / rate`. One bound by concurrency keeps every slot busy: `concurrency / latency`
/// requests per second (Little's law). Failures, retries and 429s are not foreseeable; ``retryRequests``
/// gives the most retries the retry budget allows, and ``secondsWithRetries`` the time with all of them.
///
/// ```swift
/// let estimate = RunEstimate(requests: 40_000, job: job)  // rate_limit: [190/1m, 950/5m]
/// estimate.bound        // .window(950/5m)
/// estimate.seconds      // 12631.6: about 3 h 30 min
/// ```
public struct RunEstimate: Sendable {
    /// What limits the run's pace.
    public enum Bound: Sendable, Equatable {
        /// The rate-limit window with the lowest long-run rate (on a tie, the longest window).
        case window(RateWindow)
        /// Requests in flight at the provider's typical latency.
        case concurrency
    }

    /// First requests: every row's preflight read and update, sent once.
    public var requests: Int
    /// The tightest window's rate in requests per second; nil with no rate limit.
    public var windowRate: Double?
    /// `concurrency / mean latency`, in requests per second.
    public var concurrencyRate: Double
    /// The job's concurrency.
    public var concurrency: Int
    /// The provider's typical latency.
    public var latency: ProviderLatency
    /// The pace of the run: the lower of ``windowRate`` and ``concurrencyRate``.
    public var rate: Double
    /// Which of the two it is.
    public var bound: Bound
    /// The run's duration with no failure, in seconds.
    public var seconds: Double
    /// The most retries the retry budget allows (`retry.budget` × first requests, plus its floor).
    public var retryRequests: Int
    /// The duration if every one of them is spent, in seconds.
    public var secondsWithRetries: Double
    /// The run deadline (`timeouts.run`, `--deadline`) in seconds; nil for none.
    public var deadlineSeconds: Double?

    /// The estimate for `requests` first requests under `job`'s limits (after overrides).
    ///
    /// - Parameters:
    ///   - requests: First requests: the rows to send, twice each with preflight.
    ///   - job: The job: its `rate_limit`, `concurrency`, `retry.budget`, `timeouts.run` and provider.
    public init(requests: Int, job: Job) {
        self.requests = requests
        self.concurrency = job.concurrency
        self.latency = job.provider.module.typicalLatency
        self.concurrencyRate = Double(job.concurrency) / max(latency.meanMilliseconds, 0.001) * 1000
        let tightest = job.rateLimit.min { a, b in
            a.ratePerSecond != b.ratePerSecond ? a.ratePerSecond < b.ratePerSecond : a.seconds > b.seconds
        }
        self.windowRate = tightest?.ratePerSecond
        if let tightest, tightest.ratePerSecond <= concurrencyRate {
            self.bound = .window(tightest)
            self.rate = tightest.ratePerSecond
        } else {
            self.bound = .concurrency
            self.rate = concurrencyRate
        }
        self.seconds = Double(requests) / rate
        self.retryRequests =
            requests == 0 ? 0 : ExecutorPolicy.Defaults.retryBudgetFloor + Int(job.retry.budget * Double(requests))
        self.secondsWithRetries = Double(requests + retryRequests) / rate
        self.deadlineSeconds = job.timeouts.run.map { Double($0) / 1000 }
    }

    /// Whether the deadline comes before the run's end.
    public var stopsAtDeadline: Bool { deadlineSeconds.map { $0 < seconds } ?? false }

    /// The first requests sent before the deadline (all of them when it comes later or there is none).
    public var requestsWithinDeadline: Int {
        guard let deadlineSeconds, deadlineSeconds < seconds else { return requests }
        return min(requests, Int(deadlineSeconds * rate))
    }
}
