import Testing

@testable import OrderBatchCore

/// `orderbatch plan`'s arithmetic: requests by phase, the pace (the tightest window or concurrency at the
/// provider's typical latency), the duration and its text, the retry budget and the deadline.
@Suite struct RunPlanTests {
    /// A parsed job of `provider` with `extra` lines.
    private func job(_ provider: String, _ extra: String = "") throws -> Job {
        var text = "name: p\nprovider: \(provider)\nendpoint: sandbox\n"
        if provider == "juspay" { text += "merchant_id: m\n" }
        return try JobParser.parse(text: text + extra, path: "/tmp/p.yaml")
    }

    private func report(valid: Int, invalid: Int = 0) -> ValidationReport {
        var report = ValidationReport()
        report.rows = valid + invalid
        report.valid = valid
        report.invalid = invalid
        return report
    }

    @Test func twentyThousandRapydRowsWithPreflightTakeAboutThreeAndAHalfHours() throws {
        let plan = RunPlan(job: try job("rapyd"), inputPath: "in.jsonl", report: report(valid: 20_000))
        #expect(plan.preflightReads == 20_000 && plan.updates == 20_000 && plan.requests == 40_000)
        #expect(plan.estimate.bound == .window(RateWindow(limit: 950, seconds: 300)))
        #expect(abs(plan.estimate.seconds - 40_000 / (950.0 / 300)) < 0.001)
        #expect(
            plan.headline
                == "20,000 Rapyd rows at [190/1m, 950/5m] with preflight: 40,000 requests, bound by the 5-minute window: about 3 h 30 min"
        )
        #expect(plan.textLines.contains("  preflight   20,000 status reads (1 per row, preflight: true)"))
        #expect(plan.textLines.contains("  update      20,000 updates (1 per row)"))
        #expect(plan.textLines.last?.hasPrefix("assumptions: each request answered in 300 ms (assumed: ") == true)
    }

    @Test func fiveHundredThousandRapydRowsTakeAboutThreePointSixDays() throws {
        let plan = RunPlan(job: try job("rapyd"), inputPath: "in.jsonl", report: report(valid: 500_000))
        #expect(plan.requests == 1_000_000)
        #expect(ApproximateDuration.text(seconds: plan.estimate.seconds) == "87 h 45 min (3.65 days)")
    }

    @Test func juspayWithNoRateLimitIsBoundByConcurrencyAtItsPublishedLatency() throws {
        let job = try job("juspay", "preflight: false\n")
        let plan = RunPlan(job: job, inputPath: "in.csv", report: report(valid: 7_500, invalid: 3))
        #expect(plan.requests == 7_500 && plan.preflightReads == 0 && plan.invalidRows == 3)
        #expect(plan.estimate.bound == .concurrency)
        // The mean of the piecewise-linear distribution through Juspay's percentiles: about 106 ms.
        let mean = job.provider.module.typicalLatency.meanMilliseconds
        #expect(mean > 105 && mean < 107, "\(mean)")
        #expect(abs(plan.estimate.rate - 8 / (mean / 1000)) < 0.001)
        #expect(
            plan.headline.hasSuffix(
                "(no rate limit) without preflight: 7,500 requests, bound by concurrency 8: about 99 s"))
    }

    @Test func aSlowRateOverrideAndADeadlineSayHowFarTheRunGets() throws {
        let base = try job("juspay", "timeouts:\n  run: 10m\n")
        let job = try RunOverrides(rate: "2").applied(to: base)
        let plan = RunPlan(job: job, inputPath: "in.csv", report: report(valid: 1_000))
        #expect(plan.estimate.bound == .window(RateWindow(limit: 2, seconds: 1)))
        #expect(plan.estimate.seconds == 1_000)
        #expect(plan.estimate.stopsAtDeadline && plan.estimate.requestsWithinDeadline == 1_200)
        #expect(
            plan.textLines.contains(
                "  deadline 10m comes first: about 600 rows done, then exit 3; orderbatch resume RUN goes on"))
        // Every retry the budget allows: 50% of first requests plus a floor of 10.
        #expect(plan.estimate.retryRequests == 1_010)
    }

    @Test func aRateAboveTheProvidersOwnLimitsIsWarnedOf() throws {
        let fast = try RunOverrides(rate: "20").applied(to: try job("rapyd"))
        let plan = RunPlan(job: fast, inputPath: "in.jsonl", report: report(valid: 300))
        #expect(
            plan.textLines.contains(
                "  warning: 13.33 requests/s is above Rapyd's limits (190/1m, 950/5m by default, 3.17 requests/s): "
                    + "expect 429s, and a run slower than this"), "\(plan.textLines)")
        #expect(
            RunPlan(job: try job("rapyd"), inputPath: "in.jsonl", report: report(valid: 300)).aboveProviderLimits == nil
        )
        #expect(
            RunPlan(job: try job("juspay"), inputPath: "in.csv", report: report(valid: 300)).aboveProviderLimits == nil)
    }

    @Test func theJSONFormCarriesTheSameFigures() throws {
        let plan = RunPlan(job: try job("rapyd"), inputPath: "in.jsonl", report: report(valid: 20_000))
        let json = try JSONValue.parse(plan.json.compactText)
        guard case .object(let members) = json else {
            Issue.record("not an object")
            return
        }
        let object = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(object["valid_rows"] == .integer(20_000))
        guard case .object(let estimate)? = object["estimate"] else {
            Issue.record("no estimate")
            return
        }
        let e = Dictionary(estimate.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(e["bound_by"] == .string("window") && e["binding_window"] == .string("950/5m"))
        #expect(e["text"] == .string("3 h 30 min"))
    }

    @Test(arguments: [
        (0.0, "0 s"), (0.2, "1 s"), (42, "42 s"), (754, "13 min"), (3_560, "59 min"), (3_590, "1 h"),
        (12_631.6, "3 h 30 min"), (172_800, "48 h (2.00 days)"),
    ])
    func durationsAreRoundedToWhatMatters(seconds: Double, text: String) {
        #expect(ApproximateDuration.text(seconds: seconds) == text)
    }
}
