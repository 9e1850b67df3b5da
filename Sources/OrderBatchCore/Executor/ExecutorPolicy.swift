/// Every limit the executor works within: concurrency, rate, timeouts, retries, and when to stop.
///
/// All durations are `Double` seconds on the monotonic clock the driver supplies to
/// ``ExecutorStateMachine``; ``runDeadline`` is an absolute time on that clock.
///
/// The defaults (``Defaults``) are the job file's: one set, documented in the README. The test
/// suite simulates what they do against a provider failing one request in five and against an
/// outage (`ExecutorDefaultsTests`, `ShippedDefaultsFailureRateTests`):
/// - **Ride out a flaky provider.** At most ``maxAttempts`` + 2 requests per row per process
///   (``maxRequestsPerItem``); retries run at about 0.25 per first attempt, half the retry
///   budget's 0.5. The chance of 20 failures in a row somewhere in a million outcomes is about
///   10⁶ · 0.2²⁰ ≈ 10⁻⁸, so the breaker stays closed.
/// - **Stop a real outage within seconds.** When every request is refused or answered 5xx,
///   20 consecutive failures arrive after a few round trips at any concurrency ≥ 4, and after
///   about 6 s even when paced to Rapyd's 200 per minute (3.3 requests per second).
public struct ExecutorPolicy: Sendable, Equatable {
    /// Most operations (preflight, reconcile, send) in flight at once.
    ///
    /// Default 8.
    public var concurrency: Int
    /// The provider's published limits; empty means none is known (AIMD still reacts to 429).
    public var rateWindows: [RateWindow]
    /// Per-attempt timeout the driver gives every provider call.
    ///
    /// Default ``Defaults/requestTimeout``; providers set their own (Juspay 1 s).
    public var requestTimeout: Double
    /// Time an item may spend from its first operation until its last attempt must have
    /// finished.
    ///
    /// No attempt starts that could not finish inside it. Default 60 s
    /// (``Defaults/itemBudget``): room for every backoff of ``maxAttempts`` (under 8 s at the
    /// default backoff) plus several slow attempts.
    public var itemBudget: Double
    /// Absolute time (driver's clock) after which no new work starts; nil for none.
    public var runDeadline: Double?
    /// Most sends per item, counting those of earlier processes (resume).
    ///
    /// Default 5 (``Defaults/maxAttempts``), see above.
    public var maxAttempts: Int
    /// The first retry's backoff bound: retry `n` waits `random(0, min(backoffMax, backoffBase · 2^(n-1)))`.
    ///
    /// That is "full jitter". Default 0.25 s: a flaky provider gets its first retry within a
    /// quarter second.
    public var backoffBase: Double
    /// Largest backoff.
    ///
    /// Default 30 s (``Defaults/backoffMax``): long enough to let a provider recover.
    public var backoffMax: Double
    /// Largest wait honoured from a `Retry-After`, and never beyond the item's budget: a
    /// provider asking for ten hours must not stall the run.
    ///
    /// Default 60 s.
    public var retryAfterCap: Double
    /// How many retries the run may spend, relative to first attempts.
    public var retryBudget: RetryBudget
    /// When consecutive transport failures or 5xx responses stop the run.
    public var breaker: Breaker
    /// Permanent failures past this stop the run; nil for no limit (the default).
    public var maxFailures: FailureLimit?
    /// Whether each item is preflighted (order status read) before its first send.
    ///
    /// Default on.
    public var preflight: Bool
    /// How the run's allowed rate reacts to 429 responses.
    public var adaptiveRate: AdaptiveRate

    /// Creates a policy; every parameter has the documented default (``Defaults``).
    public init(
        concurrency: Int = Defaults.concurrency,
        rateWindows: [RateWindow] = [],
        requestTimeout: Double = Defaults.requestTimeout,
        itemBudget: Double = Defaults.itemBudget,
        runDeadline: Double? = nil,
        maxAttempts: Int = Defaults.maxAttempts,
        backoffBase: Double = Defaults.backoffBase,
        backoffMax: Double = Defaults.backoffMax,
        retryAfterCap: Double = Defaults.retryAfterCap,
        retryBudget: RetryBudget = RetryBudget(),
        breaker: Breaker = Breaker(),
        maxFailures: FailureLimit? = nil,
        preflight: Bool = Defaults.preflight,
        adaptiveRate: AdaptiveRate = AdaptiveRate()
    ) {
        self.concurrency = max(1, concurrency)
        self.rateWindows = rateWindows
        self.requestTimeout = requestTimeout
        self.itemBudget = itemBudget
        self.runDeadline = runDeadline
        self.maxAttempts = max(1, maxAttempts)
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.retryAfterCap = retryAfterCap
        self.retryBudget = retryBudget
        self.breaker = breaker
        self.maxFailures = maxFailures
        self.preflight = preflight
        self.adaptiveRate = adaptiveRate
    }

    /// Most requests of any kind (preflight, reconciliation, send) one row may cost in one
    /// process: ``maxAttempts`` plus two, room for the preflight and one reconciliation on top of
    /// ``maxAttempts`` sends when nothing else fails. A row whose reads keep failing (a proxy
    /// answering 200 with an unreadable body) stops at the same bound as one whose sends do.
    /// Every request counts: it takes a slot, passes the rate limiter, waits its backoff after a
    /// failure and draws on the retry budget.
    ///
    /// The price: a timeout costs a send and a reconciliation. Under the shipped defaults (a Juspay
    /// job: ``maxAttempts`` 5, 1 s request timeout, preflight on), a provider failing one request in
    /// five leaves about 590 of 10⁶ rows failed when its failures are plain 503s, and about 2,200
    /// failed plus 2,200 unknown when they are timeouts (`ShippedDefaultsFailureRateTests`).
    public var maxRequestsPerItem: Int { maxAttempts + 2 }

    /// ``requestTimeout`` in whole milliseconds, as `ProviderClient` takes it.
    public var requestTimeoutMilliseconds: Int {
        Int((requestTimeout * 1000).rounded(.up))
    }
}

// MARK: - Parts

extension ExecutorPolicy {
    /// Retries may not exceed `floor + ratio × first attempts` (job setting `retry.budget`).
    ///
    /// Every operation counts: a preflight, reconciliation or send that is not a retry is a
    /// first attempt; one started after a failure is a retry.
    ///
    /// During an outage every request fails; without a budget each row would be retried
    /// ``ExecutorPolicy/maxAttempts`` times and the run would multiply its load on a provider
    /// that is already down. With ratio 0.5 an outage adds at most 50 % to the load, while a
    /// provider failing one request in five needs only 0.25. The floor lets the first rows of
    /// a run retry before enough first attempts exist to earn a budget.
    public struct RetryBudget: Sendable, Equatable {
        /// Retries allowed per first attempt.
        ///
        /// Default 0.5.
        public var ratio: Double
        /// Retries allowed regardless of first attempts.
        ///
        /// Default 10.
        public var floor: Int

        /// Creates a budget of `floor + ratio × first attempts` retries.
        public init(ratio: Double = Defaults.retryBudgetRatio, floor: Int = Defaults.retryBudgetFloor) {
            self.ratio = max(0, ratio)
            self.floor = max(0, floor)
        }

        /// Retries allowed after `firstAttempts` first attempts.
        public func allowance(firstAttempts: Int) -> Double {
            Double(floor) + ratio * Double(firstAttempts)
        }
    }

    /// The circuit breaker (job setting `breaker`): after `consecutiveFailures` transport
    /// failures or 5xx responses in a row, with no success or other response between them,
    /// the run stops, resumable, instead of burning every row into `failed`.
    ///
    /// Default 20;
    /// see ``ExecutorPolicy`` for the arithmetic.
    public struct Breaker: Sendable, Equatable {
        /// Consecutive transport failures or 5xx responses that stop the run.
        ///
        /// Default 20.
        public var consecutiveFailures: Int

        /// Creates a breaker that trips after `consecutiveFailures` in a row.
        public init(consecutiveFailures: Int = Defaults.breakerConsecutiveFailures) {
            self.consecutiveFailures = max(1, consecutiveFailures)
        }
    }

    /// AIMD on 429: the rate limit is shared by the whole run, so one refusal slows every row.
    ///
    /// A 429 multiplies the allowed rate by ``decreaseFactor`` (at most once per round trip:
    /// the refusals of requests started before the last decrease do not count again), never
    /// below ``floorRate``. Each success then adds ``increasePerSecond`` × the ceiling per
    /// second of successful traffic, so the rate climbs back from half to the ceiling in about
    /// ten seconds. The ceiling is the tightest ``RateWindow``'s rate or, with no window, the
    /// rate observed when the first 429 arrived.
    public struct AdaptiveRate: Sendable, Equatable {
        /// Factor applied to the allowed rate on a 429.
        ///
        /// Default 0.5.
        public var decreaseFactor: Double
        /// Lowest allowed rate, in requests per second.
        ///
        /// Default 0.5.
        public var floorRate: Double
        /// Fraction of the ceiling regained per second of successes.
        ///
        /// Default 0.05.
        public var increasePerSecond: Double

        /// Creates the AIMD settings.
        public init(decreaseFactor: Double = 0.5, floorRate: Double = 0.5, increasePerSecond: Double = 0.05) {
            self.decreaseFactor = min(max(decreaseFactor, 0.01), 1)
            self.floorRate = max(floorRate, 0.001)
            self.increasePerSecond = max(increasePerSecond, 0)
        }
    }
}
