import Foundation

extension RunStory {
    /// How a phase is named to the operator (`send` is the update itself).
    public static func phaseName(_ phase: AttemptRecord.Phase) -> String {
        switch phase {
        case .preflight: return "preflight"
        case .send: return "update"
        case .reconcile: return "reconcile"
        }
    }

    /// The phases in the order a row meets them.
    public static let phaseOrder: [AttemptRecord.Phase] = [.preflight, .send, .reconcile]

    /// The summary's lines after its counts, each indented by two spaces (the endpoint's line is
    /// ``endpointLine``):
    ///
    ///     latency ms: preflight 12/30/45/80; update 15/40/90/120 (p50/p90/p99/max)
    ///     errors: 5 NOT_FOUND, 3 HTTP 503 (8 in all)
    ///     429s: 2, every request paused 1.5s in all for Retry-After
    ///     rate: 81.6 requests/s, 80.3 rows/s; limit 3.2/s (190/1m, 950/5m)
    ///
    /// With both ``invocation`` and ``wholeRun``, each one's lines come under a heading of its own
    /// (`this invocation (resume): …`, `whole run (every invocation): …`), indented by four spaces.
    ///
    /// - Parameters:
    ///   - invocationName: `resume` or `retry`, named in the heading of this invocation's figures.
    ///   - invocationRequests: The invocation's `requests:` line as the command counted it, shown in its
    ///     section instead of one from the log; nil to take it from the log.
    /// - Returns: The lines, without line breaks.
    public func textLines(invocationName: String = "run", invocationRequests: String? = nil) -> [String] {
        var lines: [String] = []
        switch (invocation, wholeRun) {
        case (let mine?, let whole?):
            lines.append(
                "  this invocation (\(invocationName)): \(mine.rowsSettled) rows settled in "
                    + ProgressFormat.elapsed(mine.seconds))
            if let invocationRequests { lines.append("    " + invocationRequests) }
            lines += figureLines(mine, indent: "    ", requestsLine: invocationRequests == nil, wholeRun: false)
            lines.append("  whole run (every invocation): \(whole.rowsSettled) rows settled")
            lines += figureLines(whole, indent: "    ", requestsLine: true, wholeRun: true)
        case (let mine?, nil):
            lines += figureLines(mine, indent: "  ", requestsLine: invocationRequests == nil, wholeRun: false)
        case (nil, let whole?):
            lines += figureLines(whole, indent: "  ", requestsLine: true, wholeRun: true)
        case (nil, nil):
            break
        }
        return lines
    }

    /// `endpoint: api.juspay.in (juspay production)`, and loudly when nothing reached the provider; nil when
    /// the destination is not known.
    public var endpointLine: String? { destination.map(Self.endpointLine) }

    /// `endpoint: …` for `destination`.
    static func endpointLine(_ destination: Destination) -> String {
        let provider = destination.provider
        if destination.isBuiltInEmulator {
            return "endpoint: THE BUILT-IN EMULATOR (\(destination.baseURL)): NOTHING WAS SENT TO "
                + "\(provider.uppercased()). A job left on `endpoint: emulator` succeeds without credentials; "
                + "set `endpoint: sandbox` or `production` to reach \(provider)"
        }
        if destination.isLoopback {
            return "endpoint: \(destination.host) (a loopback address: an emulator or proxy on this machine, "
                + "not \(provider) itself)"
        }
        switch destination.setting {
        case "sandbox", "production": return "endpoint: \(destination.host) (\(provider) \(destination.setting))"
        default: return "endpoint: \(destination.host)"
        }
    }

    private func figureLines(_ figures: Figures, indent: String, requestsLine: Bool, wholeRun: Bool) -> [String] {
        let stats = figures.requests
        var lines: [String] = []
        if requestsLine {
            let parts = Self.phaseOrder.map { "\(stats.requests($0)) \(Self.phaseName($0))" }
            lines.append("requests: \(stats.requests) (\(parts.joined(separator: ", ")))")
        }
        guard stats.requests > 0 else { return lines.map { indent + $0 } }
        let latencies = Self.phaseOrder.compactMap { phase in
            stats.phases[phase]?.latency.map { "\(Self.phaseName(phase)) \(Self.percentilesText($0))" }
        }
        if !latencies.isEmpty {
            lines.append("latency ms: " + latencies.joined(separator: "; ") + " (p50/p90/p99/max)")
        }
        if stats.errors == 0 {
            lines.append("errors: none")
        } else {
            let named = stats.topErrors.map { "\($0.count) \($0.code)" }.joined(separator: ", ")
            let shown = stats.topErrors.reduce(0) { $0 + $1.count }
            lines.append("errors: \(named)" + (shown < stats.errors ? " (\(stats.errors) in all)" : ""))
        }
        if stats.rateLimited == 0 {
            lines.append("429s: none")
        } else if let pause = figures.rateLimitPauseSeconds {
            lines.append(
                "429s: \(stats.rateLimited); every request paused \(ProgressFormat.elapsed(pause)) in all for "
                    + "Retry-After, and the rate was lowered")
        } else {
            lines.append("429s: \(stats.rateLimited)")
        }
        lines.append(rateLine(figures, wholeRun: wholeRun))
        return lines.map { indent + $0 }
    }

    /// `rate: 81.6 requests/s, 80.3 rows/s; limit 3.2/s (190/1m, 950/5m)`.
    private func rateLine(_ figures: Figures, wholeRun: Bool) -> String {
        var text =
            "rate: \(ProgressFormat.rateText(figures.requestsPerSecond)) requests/s, "
            + "\(ProgressFormat.rateText(figures.rowsPerSecond)) rows/s"
        if wholeRun { text += " over \(ProgressFormat.elapsed(figures.seconds)) from the first request to the last" }
        if let limit = limitPerSecond {
            text +=
                "; limit \(ProgressFormat.rateText(limit))/s (rate_limit \(rateLimit.map(\.description).joined(separator: ", ")))"
        } else {
            text += "; no limit set (rate_limit: none)"
        }
        return text
    }

    /// `12/30/45/80`: whole milliseconds, tenths below 10 ms.
    static func percentilesText(_ p: LatencyPercentiles) -> String {
        [p.p50, p.p90, p.p99, p.max].map(millisecondsText).joined(separator: "/")
    }

    /// A latency in milliseconds: `123`, or `3.4` below 10 ms.
    public static func millisecondsText(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "-" }
        if value < 10 { return String(format: "%.1f", value) }
        return String(Int(value.rounded()))
    }
}
