import Foundation

extension RunPlan {
    /// The plan as `orderbatch plan` prints it: the rows, the requests by phase, the limits, the estimate and
    /// its assumptions.
    ///
    /// ```
    /// plan: job migrate (Acme), input part1.csv: 20,000 rows, all valid; nothing is sent
    /// requests: 40,000 first requests, 2 per row
    ///   preflight   20,000 status reads (1 per row, preflight: true)
    ///   update      20,000 updates (1 per row)
    ///   reconcile   0 planned (only after an update whose fate is unknown)
    ///   at most 7 requests per row (retry.max_attempts 5, + preflight, + 1 reconciliation)
    /// limits: rate_limit [190/1m, 950/5m] allows 3.17 requests/s; concurrency 4 at 300 ms a request allows 13.33 requests/s
    /// estimate: 20,000 Acme rows at [190/1m, 950/5m] with preflight: 40,000 requests, bound by the 5-minute window: about 3 h 30 min
    /// ```
    public var textLines: [String] {
        let e = estimate
        let name = job.provider.module.displayName
        var lines: [String] = []
        let validity =
            invalidRows == 0
            ? "all valid" : "\(Self.grouped(sendableRows)) valid, \(Self.grouped(invalidRows)) invalid (not sent)"
        lines.append(
            "plan: job \(job.name) (\(name)), input \(inputPath): \(Self.grouped(rows)) rows, \(validity); nothing is sent"
        )
        lines.append("requests: \(Self.grouped(requests)) first requests, \(requestsPerRow) per row")
        lines.append(
            "  preflight   \(Self.grouped(preflightReads)) status reads"
                + (job.preflight ? " (1 per row, preflight: true)" : " (preflight: false)"))
        lines.append("  update      \(Self.grouped(updates)) updates (1 per row)")
        lines.append("  reconcile   0 planned (only after an update whose fate is unknown)")
        lines.append(
            "  at most \(maxRequestsPerRow) requests per row (retry.max_attempts \(job.retry.maxAttempts), "
                + "+ preflight, + 1 reconciliation)")
        let window = e.windowRate.map { "rate_limit \(limitsText) allows \(Self.rate($0)) requests/s" }
        lines.append(
            "limits: \(window ?? "no rate limit"); concurrency \(job.concurrency) at "
                + "\(Self.milliseconds(e.latency.meanMilliseconds)) a request allows \(Self.rate(e.concurrencyRate)) requests/s"
        )
        lines.append("estimate: \(headline)")
        if let warning = aboveProviderLimits { lines.append("  " + warning) }
        if e.retryRequests > 0 {
            lines.append(
                "  with every retry the budget allows (retry.budget \(Self.percent(job.retry.budget)): "
                    + "\(Self.grouped(e.retryRequests)) more requests): about "
                    + ApproximateDuration.text(seconds: e.secondsWithRetries))
        }
        if let deadline = e.deadlineSeconds {
            let d = DurationText.format(milliseconds: Int64(deadline * 1000))
            if e.stopsAtDeadline {
                let rows = requestsPerRow == 0 ? 0 : e.requestsWithinDeadline / requestsPerRow
                lines.append(
                    "  deadline \(d) comes first: about \(Self.grouped(rows)) rows done, then exit 3; "
                        + "orderbatch resume RUN goes on")
            } else {
                lines.append("  deadline \(d): the run should end before it")
            }
        }
        lines.append("assumptions: " + assumptions.joined(separator: "; "))
        return lines
    }

    /// "20,000 Acme rows at [190/1m, 950/5m] with preflight: 40,000 requests, bound by the 5-minute window:
    /// about 3 h 30 min".
    public var headline: String {
        let e = estimate
        let limits = job.rateLimit.isEmpty ? "(no rate limit)" : "at " + limitsText
        let bound: String
        switch e.bound {
        case .window(let w): bound = "bound by the \(Self.windowName(w)) window"
        case .concurrency: bound = "bound by concurrency \(job.concurrency)"
        }
        return "\(Self.grouped(sendableRows)) \(job.provider.module.displayName) rows \(limits) "
            + (job.preflight ? "with" : "without") + " preflight: \(Self.grouped(requests)) requests, \(bound): about "
            + ApproximateDuration.text(seconds: e.seconds)
    }

    /// When the run's pace is above the provider's own rate-limit windows (a `--rate` or `rate_limit` raised past
    /// them): the provider will answer 429 and the run will go slower than estimated.
    public var aboveProviderLimits: String? {
        let module = job.provider.module
        guard let ceiling = module.defaults.rateLimit.map(\.ratePerSecond).min(), estimate.rate > ceiling * 1.000_001
        else { return nil }
        let windows = module.defaults.rateLimit.map(\.description).joined(separator: ", ")
        return "warning: \(Self.rate(estimate.rate)) requests/s is above \(module.displayName)'s limits "
            + "(\(windows) by default, \(Self.rate(ceiling)) requests/s): expect 429s, and a run slower than this"
    }

    /// What the estimate takes for granted.
    public var assumptions: [String] {
        let e = estimate
        var list = [
            "each request answered in \(Self.milliseconds(e.latency.meanMilliseconds)) (\(e.latency.source))",
            "no failure, retry or 429 (each retry is one more request at the same pace)",
            "every row sent (preflight skips none)",
        ]
        if !job.rateLimit.isEmpty {
            list.append("requests paced evenly at the tightest window's rate, as the rate limiter does")
        }
        list.append("this machine's own time not counted")
        return list
    }

    /// `[190/1m, 950/5m]`, or `200/1m` for one window.
    var limitsText: String {
        job.rateLimit.count == 1
            ? job.rateLimit[0].description : "[" + job.rateLimit.map(\.description).joined(separator: ", ") + "]"
    }

    /// `5-minute`, `1-second`, `2-hour`; `90-second` when not a whole number of larger units.
    static func windowName(_ window: RateWindow) -> String {
        let s = window.seconds
        if s >= 3600, s.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(s / 3600))-hour" }
        if s >= 60, s.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(s / 60))-minute" }
        return "\(s.formatted3)-second"
    }

    /// `40,000`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `3.17`.
    static func rate(_ r: Double) -> String { String(format: "%.2f", r) }

    /// `106 ms`.
    static func milliseconds(_ ms: Double) -> String { "\(Int(ms.rounded())) ms" }

    /// `50%`.
    static func percent(_ f: Double) -> String { "\((f * 100).formatted3)%" }
}
