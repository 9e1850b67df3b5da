// MARK: - `rate_limit_scope:` and `rate_limit_pause:`: a rate limit shared through PostgreSQL

extension MappingReader {
    /// Reads `rate_limit_scope` (`account` or `run`; nil when absent) and `rate_limit_pause` (a duration
    /// from 0 to 1h, in milliseconds; the default when absent).
    mutating func rateLimitSharing() throws(JobError) -> (RateLimitScope?, Int64) {
        var scope: RateLimitScope?
        var pause = Job.defaultRateLimitPause
        if let (text, line) = try string("rate_limit_scope") {
            guard let parsed = RateLimitScope(rawValue: text) else {
                throw error(
                    "rate_limit_scope", line,
                    "must be account (the limit is shared by every job on the provider account) or run "
                        + "(by this run's workers only) (got \"\(text)\")")
            }
            scope = parsed
        }
        if let (text, line) = try string("rate_limit_pause") {
            guard let ms = DurationText.milliseconds(text), (0...3_600_000).contains(ms) else {
                throw error("rate_limit_pause", line, "must be a duration from 0s to 1h such as 60s (got \"\(text)\")")
            }
            pause = ms
        }
        return (scope, pause)
    }
}
