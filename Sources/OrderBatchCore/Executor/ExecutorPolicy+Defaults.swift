extension ExecutorPolicy {
    /// The one set of defaults: what a job file that leaves a key out runs with, and what
    /// `ExecutorPolicy()` gives. The README's job-file section documents these values.
    ///
    /// ``concurrency`` and ``requestTimeout`` are the defaults of a provider that publishes no
    /// guidance; a provider's own defaults replace them (Juspay: 8 and its recommended 1 s;
    /// Rapyd: 4, 5 s and its two rate windows).
    ///
    /// ## What they ride out
    /// One process spends at most ``maxAttempts`` + 2 requests on a row
    /// (``ExecutorPolicy/maxRequestsPerItem``), preflight and reconciliations included, and a
    /// timeout costs a send and a reconciliation. `ShippedDefaultsFailureRateTests` simulates a
    /// provider failing one request in five (every kind of request) with these values: see the
    /// README's *How a run behaves* for the rows per million that end failed or unknown.
    public enum Defaults {
        /// Requests in flight: 8.
        public static let concurrency = 8
        /// One HTTP exchange: 5 s (Rapyd publishes no guidance; Juspay's provider default is 1 s).
        public static let requestTimeout: Double = 5
        /// A row from its first request to its last: 60 s (`timeouts.item`).
        public static let itemBudget: Double = 60
        /// Updates per row, the first included: 5 (`retry.max_attempts`).
        public static let maxAttempts = 5
        /// The first retry's backoff bound: 250 ms (`retry.backoff_base`).
        public static let backoffBase = 0.25
        /// The largest backoff: 30 s (`retry.backoff_max`).
        public static let backoffMax: Double = 30
        /// The longest `Retry-After` honoured: 60 s.
        public static let retryAfterCap: Double = 60
        /// Retries per first attempt: 0.5 (`retry.budget`).
        public static let retryBudgetRatio = 0.5
        /// Retries allowed before first attempts have earned any: 10.
        public static let retryBudgetFloor = 10
        /// Consecutive failures that stop the run: 20 (`breaker.consecutive_failures`).
        public static let breakerConsecutiveFailures = 20
        /// Each order's status is read first: on (`preflight`).
        public static let preflight = true
    }
}
