/// How long to wait before a retry: exponential backoff with full jitter, honouring a
/// provider's `Retry-After` up to a cap.
///
/// "Full jitter" draws the whole wait uniformly from `0 ... min(max, base · 2^(n-1))` for the
/// `n`-th retry, which spreads out the retries of rows that failed together far better than
/// a fixed or half-jittered wait (AWS Architecture Blog, "Exponential Backoff And Jitter",
/// <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>).
public struct Backoff: Sendable, Equatable {
    /// Upper bound of the first retry's wait, in seconds.
    public var base: Double
    /// Largest upper bound, in seconds.
    public var max: Double
    /// Largest `Retry-After` honoured, in seconds.
    public var retryAfterCap: Double

    /// Creates a backoff with the given bounds.
    public init(base: Double, max: Double, retryAfterCap: Double) {
        self.base = Swift.max(0, base)
        self.max = Swift.max(0, max)
        self.retryAfterCap = Swift.max(0, retryAfterCap)
    }

    /// The bounds of ``ExecutorPolicy``.
    public init(policy: ExecutorPolicy) {
        self.init(base: policy.backoffBase, max: policy.backoffMax, retryAfterCap: policy.retryAfterCap)
    }

    /// The upper bound of the wait before retry number `retry` (1 for the first).
    public func ceiling(retry: Int) -> Double {
        let exponent = Swift.min(Swift.max(retry - 1, 0), 62)
        return Swift.min(max, base * Double(UInt64(1) << UInt64(exponent)))
    }

    /// The wait before retry number `retry` (1 for the first): a uniform draw from
    /// `0 ... ceiling(retry)`, but at least the provider's `retryAfter` capped at
    /// ``retryAfterCap``.
    public func delay<Generator: RandomNumberGenerator>(
        retry: Int, retryAfter: Double?, using generator: inout Generator
    ) -> Double {
        let upper = ceiling(retry: retry)
        let jittered = upper > 0 ? Double.random(in: 0...upper, using: &generator) : 0
        guard let retryAfter, retryAfter > 0 else { return jittered }
        return Swift.max(jittered, Swift.min(retryAfter, retryAfterCap))
    }
}
