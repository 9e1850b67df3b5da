import Foundation
import OrderBatchCore
import Testing

@Suite struct RunStoryTests {
    private static let stats = RequestStatistics(
        phases: [
            .preflight: PhaseStatistics(
                requests: 100, latency: LatencyPercentiles(p50: 12.4, p90: 30, p99: 45.5, max: 80)),
            .send: PhaseStatistics(requests: 104, latency: LatencyPercentiles(p50: 3.21, p90: 40, p99: 90, max: 120)),
        ],
        topErrors: [ErrorCount(code: "HTTP 429", count: 3), ErrorCount(code: "NOT_FOUND", count: 1)], errors: 5,
        rateLimited: 3, firstStartedAt: Date(timeIntervalSince1970: 0), lastEndedAt: Date(timeIntervalSince1970: 50))

    private static func figures(pause: Double?) -> RunStory.Figures {
        RunStory.Figures(requests: stats, rowsSettled: 100, seconds: 50, rateLimitPauseSeconds: pause)
    }

    private static let emulator = RunStory.Destination(
        baseURL: "http://127.0.0.1:41231", setting: "emulator", provider: "juspay", isBuiltInEmulator: true)

    @Test func theBuiltInEmulatorIsSaidLoudly() {
        let story = RunStory(destination: Self.emulator, rateLimit: [], invocation: nil, wholeRun: nil)
        #expect(
            story.endpointLine
                == "endpoint: THE BUILT-IN EMULATOR (http://127.0.0.1:41231): NOTHING WAS SENT TO JUSPAY. A job left "
                + "on `endpoint: emulator` succeeds without credentials; set `endpoint: sandbox` or `production` to "
                + "reach juspay")
    }

    @Test func otherEndpointsNameTheirHost() {
        func line(_ url: String, _ setting: String) -> String? {
            RunStory(
                destination: .init(baseURL: url, setting: setting, provider: "rapyd", isBuiltInEmulator: false),
                rateLimit: [], invocation: nil, wholeRun: nil
            ).endpointLine
        }
        #expect(line("https://sandboxapi.rapyd.net", "sandbox") == "endpoint: sandboxapi.rapyd.net (rapyd sandbox)")
        #expect(
            line("https://proxy.example.com/rapyd", "https://proxy.example.com/rapyd") == "endpoint: proxy.example.com")
        #expect(
            line("http://[::1]:8080", "http://[::1]:8080")
                == "endpoint: [::1]:8080 (a loopback address: an emulator or proxy on this machine, not rapyd itself)")
    }

    @Test func aRunShowsItsFiguresUnlabelled() throws {
        let story = RunStory(
            destination: nil,
            rateLimit: [try #require(RateWindow.parse("190/1m")), try #require(RateWindow.parse("950/5m"))],
            invocation: Self.figures(pause: 1.5), wholeRun: nil)
        #expect(
            story.textLines(invocationRequests: "requests: (the command's)") == [
                "  latency ms: preflight 12/30/46/80; update 3.2/40/90/120 (p50/p90/p99/max)",
                "  errors: 3 HTTP 429, 1 NOT_FOUND (5 in all)",
                "  429s: 3; every request paused 1.5s in all for Retry-After, and the rate was lowered",
                "  rate: 4.1 requests/s, 2.0 rows/s; limit 3.2/s (rate_limit 190/1m, 950/5m)",
            ])
    }

    @Test func resumeLabelsThisInvocationAndTheWholeRun() {
        let story = RunStory(
            destination: nil, rateLimit: [], invocation: Self.figures(pause: nil), wholeRun: Self.figures(pause: nil))
        #expect(
            story.textLines(invocationName: "resume", invocationRequests: "requests: 104 updates") == [
                "  this invocation (resume): 100 rows settled in 50.0s",
                "    requests: 104 updates",
                "    latency ms: preflight 12/30/46/80; update 3.2/40/90/120 (p50/p90/p99/max)",
                "    errors: 3 HTTP 429, 1 NOT_FOUND (5 in all)",
                "    429s: 3",
                "    rate: 4.1 requests/s, 2.0 rows/s; no limit set (rate_limit: none)",
                "  whole run (every invocation): 100 rows settled",
                "    requests: 204 (100 preflight, 104 update, 0 reconcile)",
                "    latency ms: preflight 12/30/46/80; update 3.2/40/90/120 (p50/p90/p99/max)",
                "    errors: 3 HTTP 429, 1 NOT_FOUND (5 in all)",
                "    429s: 3",
                "    rate: 4.1 requests/s, 2.0 rows/s over 50.0s from the first request to the last; no limit set "
                    + "(rate_limit: none)",
            ])
    }

    @Test func noRequestsMeansNoFiguresButTheCount() {
        let empty = RunStory.Figures(
            requests: RequestStatistics(), rowsSettled: 0, seconds: 0, rateLimitPauseSeconds: 0)
        let story = RunStory(destination: nil, rateLimit: [], invocation: nil, wholeRun: empty)
        #expect(story.textLines() == ["  requests: 0 (0 preflight, 0 update, 0 reconcile)"])
    }

    @Test func theJSONMembersCarryEveryFigure() throws {
        let story = RunStory(
            destination: Self.emulator, rateLimit: [try #require(RateWindow.parse("5"))],
            invocation: Self.figures(pause: 1.5), wholeRun: nil)
        let text = JSONValue.object(story.jsonMembers).compactText
        #expect(
            text
                == #"{"endpoint":{"url":"http://127.0.0.1:41231","host":"127.0.0.1:41231","setting":"emulator","emulator":true,"loopback":true},"#
                + #""rate_limit":{"windows":["5/1s"],"per_second":5},"#
                + #""invocation":{"rows_settled":100,"seconds":50,"requests":{"total":204,"preflight":100,"update":104,"reconcile":0},"#
                + #""latency_ms":{"preflight":{"p50":12.4,"p90":30,"p99":45.5,"max":80},"update":{"p50":3.21,"p90":40,"p99":90,"max":120},"reconcile":null},"#
                + #""errors":{"total":5,"top":[{"code":"HTTP 429","count":3},{"code":"NOT_FOUND","count":1}]},"#
                + #""rate_limited":{"count":3,"pause_seconds":1.5},"requests_per_second":4.08,"rows_per_second":2},"#
                + #""whole_run":null}"#)
    }
}
