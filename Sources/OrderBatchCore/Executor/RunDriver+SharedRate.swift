extension RunDriver {
    /// A rate limit shared through a ``RateTokenSource``: every start takes a token from it as well.
    public struct SharedRate: Sendable {
        /// Where the tokens come from.
        public var source: any RateTokenSource
        /// Seconds every taker pauses after a 429 without `Retry-After` (the job's `rate_limit_pause`).
        public var pauseSeconds: Double

        public init(source: any RateTokenSource, pauseSeconds: Double) {
            self.source = source
            self.pauseSeconds = pauseSeconds
        }
    }
}
