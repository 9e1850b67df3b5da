import Foundation

extension RunPlan {
    /// The plan as `orderbatch plan --json` prints it (one object; durations in seconds, rates in requests per
    /// second):
    /// `{"job","provider","input","rows","valid_rows","invalid_rows","requests":{"total","preflight","update",
    /// "reconcile","per_row","max_per_row"},"limits":{"rate_limit","window_rate_per_second","concurrency",
    /// "latency_ms","latency_source","concurrency_rate_per_second"},"estimate":{"rate_per_second","bound_by",
    /// "binding_window","seconds","text","headline","retry_requests","seconds_with_retries","deadline_seconds",
    /// "stops_at_deadline","requests_within_deadline"},"assumptions":[…],"warning"}` (`warning` null unless the pace is
    /// above the provider's own limits).
    public var json: JSONValue {
        let e = estimate
        let (boundBy, binding): (String, JSONValue) =
            switch e.bound {
            case .window(let w): ("window", .string(w.description))
            case .concurrency: ("concurrency", .null)
            }
        return .object([
            ("job", .string(job.name)), ("provider", .string(job.provider.rawValue)), ("input", .string(inputPath)),
            ("rows", .integer(rows)), ("valid_rows", .integer(sendableRows)), ("invalid_rows", .integer(invalidRows)),
            (
                "requests",
                .object([
                    ("total", .integer(requests)), ("preflight", .integer(preflightReads)),
                    ("update", .integer(updates)), ("reconcile", .integer(0)), ("per_row", .integer(requestsPerRow)),
                    ("max_per_row", .integer(maxRequestsPerRow)),
                ])
            ),
            (
                "limits",
                .object([
                    ("rate_limit", .array(job.rateLimit.map { .string($0.description) })),
                    ("window_rate_per_second", e.windowRate.map(Self.number) ?? .null),
                    ("concurrency", .integer(job.concurrency)),
                    ("latency_ms", Self.number(e.latency.meanMilliseconds)),
                    ("latency_source", .string(e.latency.source)),
                    ("concurrency_rate_per_second", Self.number(e.concurrencyRate)),
                ])
            ),
            (
                "estimate",
                .object([
                    ("rate_per_second", Self.number(e.rate)), ("bound_by", .string(boundBy)),
                    ("binding_window", binding), ("seconds", Self.number(e.seconds)),
                    ("text", .string(ApproximateDuration.text(seconds: e.seconds))), ("headline", .string(headline)),
                    ("retry_requests", .integer(e.retryRequests)),
                    ("seconds_with_retries", Self.number(e.secondsWithRetries)),
                    ("deadline_seconds", e.deadlineSeconds.map(Self.number) ?? .null),
                    ("stops_at_deadline", .bool(e.stopsAtDeadline)),
                    ("requests_within_deadline", .integer(e.requestsWithinDeadline)),
                ])
            ),
            ("assumptions", .array(assumptions.map { .string($0) })),
            ("warning", aboveProviderLimits.map { .string($0) } ?? .null),
        ])
    }

    /// `x` with three decimals at most, as a JSON number.
    static func number(_ x: Double) -> JSONValue {
        JSONNumber(literal: String(format: "%.3f", x)).map(JSONValue.number) ?? .null
    }
}
