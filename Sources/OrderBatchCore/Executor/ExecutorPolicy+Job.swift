extension ExecutorPolicy {
    /// The policy a job runs with: the one place a ``Job``'s settings become executor limits.
    ///
    /// Durations in the job are milliseconds; the policy counts seconds. The job's `timeouts.run`
    /// becomes ``runDeadline`` measured from the start of the execution (the driver's clock
    /// starts at zero).
    ///
    /// ```swift
    /// let driver = RunDriver(store: store, runID: id, client: client, policy: ExecutorPolicy(job: job), stopFlag: stop)
    /// ```
    public init(job: Job) {
        self.init(
            concurrency: job.concurrency,
            rateWindows: job.rateLimit,
            requestTimeout: Double(job.timeouts.request) / 1000,
            itemBudget: Double(job.timeouts.item) / 1000,
            runDeadline: job.timeouts.run.map { Double($0) / 1000 },
            maxAttempts: job.retry.maxAttempts,
            backoffBase: Double(job.retry.backoffBase) / 1000,
            backoffMax: Double(job.retry.backoffMax) / 1000,
            retryBudget: RetryBudget(ratio: job.retry.budget),
            breaker: job.breaker,
            maxFailures: job.maxFailures,
            preflight: job.preflight)
    }
}

extension Job.Retry {
    /// `retry:` when the job file leaves it out (``ExecutorPolicy/Defaults``).
    public static let defaults = Job.Retry(
        maxAttempts: ExecutorPolicy.Defaults.maxAttempts,
        backoffBase: Int64(ExecutorPolicy.Defaults.backoffBase * 1000),
        backoffMax: Int64(ExecutorPolicy.Defaults.backoffMax * 1000),
        budget: ExecutorPolicy.Defaults.retryBudgetRatio)
}

extension Job.Timeouts {
    /// `timeouts.item` when the job file leaves it out, in milliseconds (``ExecutorPolicy/Defaults``).
    public static let defaultItem = Int64(ExecutorPolicy.Defaults.itemBudget * 1000)
}
