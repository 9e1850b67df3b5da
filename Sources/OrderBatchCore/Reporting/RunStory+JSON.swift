import Foundation

extension RunStory {
    /// The story as the members a `--json` summary (and `status RUN --json`) adds:
    ///
    /// - `endpoint`: `{"url", "host", "setting", "emulator", "loopback"}` or null; `emulator` is true for
    ///   the built-in emulator (nothing reached the provider);
    /// - `rate_limit`: `{"windows": ["190/1m", …], "per_second"}` or null without a limit;
    /// - `invocation` and `whole_run`: each null or `{"rows_settled", "seconds", "requests": {"total",
    ///   "preflight", "update", "reconcile"}, "latency_ms": {"preflight", "update", "reconcile"} (each null or
    ///   {"p50", "p90", "p99", "max"}), "errors": {"total", "top": [{"code", "count"}]}, "rate_limited":
    ///   {"count", "pause_seconds"}, "requests_per_second", "rows_per_second"}`.
    public var jsonMembers: [(key: String, value: JSONValue)] {
        [
            ("endpoint", destination.map(Self.json) ?? .null),
            (
                "rate_limit",
                rateLimit.isEmpty
                    ? .null
                    : .object([
                        ("windows", .array(rateLimit.map { .string($0.description) })),
                        ("per_second", Self.decimal(limitPerSecond, places: 3)),
                    ])
            ),
            ("invocation", invocation.map(Self.json) ?? .null),
            ("whole_run", wholeRun.map(Self.json) ?? .null),
        ]
    }

    private static func json(_ destination: Destination) -> JSONValue {
        .object([
            ("url", .string(destination.baseURL)), ("host", .string(destination.host)),
            ("setting", .string(destination.setting)), ("emulator", .bool(destination.isBuiltInEmulator)),
            ("loopback", .bool(destination.isLoopback)),
        ])
    }

    private static func json(_ figures: Figures) -> JSONValue {
        let stats = figures.requests
        let requests: [(key: String, value: JSONValue)] =
            [("total", .integer(stats.requests))]
            + phaseOrder.map { (phaseName($0), .integer(stats.requests($0))) }
        let latency: [(key: String, value: JSONValue)] = phaseOrder.map { phase in
            let value: JSONValue =
                stats.phases[phase]?.latency.map { p in
                    .object([
                        ("p50", decimal(p.p50, places: 3)), ("p90", decimal(p.p90, places: 3)),
                        ("p99", decimal(p.p99, places: 3)), ("max", decimal(p.max, places: 3)),
                    ])
                } ?? .null
            return (phaseName(phase), value)
        }
        return .object([
            ("rows_settled", .integer(figures.rowsSettled)),
            ("seconds", decimal(figures.seconds, places: 3)),
            ("requests", .object(requests)),
            ("latency_ms", .object(latency)),
            (
                "errors",
                .object([
                    ("total", .integer(stats.errors)),
                    (
                        "top",
                        .array(
                            stats.topErrors.map {
                                .object([("code", .string($0.code)), ("count", .integer($0.count))])
                            })
                    ),
                ])
            ),
            (
                "rate_limited",
                .object([
                    ("count", .integer(stats.rateLimited)),
                    ("pause_seconds", decimal(figures.rateLimitPauseSeconds, places: 3)),
                ])
            ),
            ("requests_per_second", decimal(figures.requestsPerSecond, places: 3)),
            ("rows_per_second", decimal(figures.rowsPerSecond, places: 3)),
        ])
    }

    /// A JSON number with at most `places` decimals, or null for nil or a value that is not finite.
    static func decimal(_ value: Double?, places: Int) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return JSONNumber(literal: String(format: "%.\(places)f", value)).map(JSONValue.number) ?? .null
    }
}
