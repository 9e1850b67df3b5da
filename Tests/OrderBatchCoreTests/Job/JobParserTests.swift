import Foundation
import OrderBatchCore
import Testing

@Suite struct JobParserTests {
    private func parse(_ text: String, path: String = "jobs/test.yaml") throws(JobError) -> Job {
        try JobParser.parse(text: text, path: path)
    }

    private func error(_ text: String) -> JobError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func rapydDefaultsFollowThePublishedLimits() throws {
        let job = try parse("name: r\nprovider: rapyd\nendpoint: sandbox\ninput: ../in/x.jsonl\n")
        // 5% below Rapyd's published 200/min and 1000/5 min.
        #expect(job.rateLimit == [RateWindow(limit: 190, seconds: 60), RateWindow(limit: 950, seconds: 300)])
        #expect(job.input == "in/x.jsonl")
        #expect(job.state == "jobs/r.state.sqlite")
        #expect(job.endpoint.baseURL(for: .rapyd) == "https://sandboxapi.rapyd.net")
        #expect(job.preflight)
        #expect(job.credentials.variable(forKey: "secret_key_env") == "RAPYD_SECRET_KEY")
    }

    @Test func aPostgresStateIsKeptAsAURLAndRefusedWithAPassword() throws {
        let base = "name: r\nprovider: rapyd\nendpoint: sandbox\n"
        let job = try parse(base + "state: postgresql://ob@db1:5432/orderbatch?sslmode=require\n")
        #expect(job.state == "postgresql://ob@db1:5432/orderbatch?sslmode=require")
        let refused = try #require(error(base + "state: postgresql://ob:hunter2@db1/orderbatch\n"))
        #expect(refused.description.contains("jobs/test.yaml:4: state: holds a password"), "\(refused)")
        #expect(refused.description.contains("PGPASSWORD"))
        #expect(!refused.description.contains("hunter2"))
    }

    @Test func juspayDefaultsUseTheRecommendedTimeout() throws {
        let job = try parse("name: j\nprovider: juspay\nendpoint: production\nmerchant_id: m1\n")
        #expect(job.timeouts.request == 1000)
        #expect(job.rateLimit.isEmpty)
        #expect(job.juspay.updateStatuses == ["NEW"])
        #expect(job.endpoint.baseURL(for: .juspay) == "https://api.juspay.in")
    }

    @Test func everySettingIsRead() throws {
        let job = try parse(
            """
            name: nightly.reprice-2
            provider: juspay
            endpoint: http://127.0.0.1:8080/
            merchant_id: acme
            input: /data/in.csv
            format: csv
            state: state.sqlite
            concurrency: 3
            rate_limit: [10/s, 500/1m]
            timeouts: {request: 800ms, item: 1m30s, run: 50m}
            retry: {max_attempts: 7, backoff_base: 100ms, backoff_max: 5s, budget: 20%}
            breaker: {consecutive_failures: 9}
            max_failures: 2.5%
            preflight: false
            credentials: {api_key_env: ACME_JUSPAY_KEY}
            juspay: {update_statuses: [NEW, STARTED]}
            """)
        #expect(job.endpoint == .url("http://127.0.0.1:8080"))
        #expect(job.input == "/data/in.csv")
        #expect(job.concurrency == 3)
        #expect(job.rateLimit == [RateWindow(limit: 10, seconds: 1), RateWindow(limit: 500, seconds: 60)])
        #expect(job.timeouts == Job.Timeouts(request: 800, item: 90_000, run: 3_000_000))
        #expect(job.retry == Job.Retry(maxAttempts: 7, backoffBase: 100, backoffMax: 5000, budget: 0.2))
        #expect(job.breaker.consecutiveFailures == 9)
        #expect(job.maxFailures == .percent(2.5))
        #expect(!job.preflight)
        #expect(job.credentials.variable(forKey: "api_key_env") == "ACME_JUSPAY_KEY")
        #expect(job.juspay.updateStatuses == ["NEW", "STARTED"])
    }

    @Test func unknownKeysAreRefusedWithTheirLine() {
        let e = error("name: j\nprovider: rapyd\nendpoint: sandbox\nconcurency: 4\n")
        #expect(e?.line == 4)
        #expect(e?.key == "concurency")
        #expect(e?.description.hasPrefix("jobs/test.yaml:4: concurency: unknown key") == true)
        let nested = error("name: j\nprovider: rapyd\nendpoint: sandbox\ntimeouts:\n  request: 1s\n  reqest: 2s\n")
        #expect(nested?.key == "timeouts.reqest")
        #expect(nested?.line == 6)
    }

    @Test func wrongTypesAndImpossibleValuesNameTheKey() {
        let cases: [(String, String)] = [
            ("concurrency: lots", "concurrency"),
            ("concurrency: 0", "concurrency"),
            ("concurrency: [1]", "concurrency"),
            ("rate_limit: 200/fortnight", "rate_limit"),
            ("timeouts: {request: 2}", "timeouts.request"),
            ("timeouts: {request: 5s, item: 1s}", "timeouts.item"),
            ("retry: {budget: -1}", "retry.budget"),
            ("preflight: maybe", "preflight"),
            ("max_failures: ten", "max_failures"),
            ("timeouts: 5s", "timeouts"),
        ]
        for (line, key) in cases {
            let e = error("name: j\nprovider: rapyd\nendpoint: sandbox\n\(line)\n")
            #expect(e?.key == key, "\(line) → \(String(describing: e))")
        }
    }

    @Test func requiredKeysAndProviderRules() {
        #expect(error("provider: rapyd\nendpoint: sandbox\n")?.key == "name")
        #expect(error("name: j\nprovider: stripe\nendpoint: sandbox\n")?.key == "provider")
        #expect(error("name: j\nprovider: juspay\nendpoint: sandbox\n")?.key == "merchant_id")
        #expect(error("name: 'a b'\nprovider: rapyd\nendpoint: sandbox\n")?.key == "name")
        #expect(error("name: j\nprovider: rapyd\nendpoint: sandbox\ninput: in.txt\n")?.key == "input")
    }

    @Test func endpointsRefusePlainHTTPOffLoopbackAndCredentialsInURLs() {
        #expect(error("name: j\nprovider: rapyd\nendpoint: http://example.com\n")?.message.contains("loopback") == true)
        #expect(
            error("name: j\nprovider: rapyd\nendpoint: https://u:p@example.com\n")?.message.contains("credentials")
                == true)
        #expect(error("name: j\nprovider: rapyd\nendpoint: ftp://x\n")?.key == "endpoint")
        #expect(
            (try? parse("name: j\nprovider: rapyd\nendpoint: http://[::1]:9/\n"))?.endpoint == .url("http://[::1]:9"))
        #expect(
            (try? parse("name: j\nprovider: rapyd\nendpoint: https://eu.example.com/base\n"))?.endpoint
                == .url("https://eu.example.com/base"))
    }

    @Test func secretsAreRefusedNotIgnored() {
        let e = error("name: j\nprovider: rapyd\nendpoint: sandbox\nsecret_key: rsk_live_123\n")
        #expect(e?.message.contains("environment variable") == true)
        #expect(e?.description.contains("rsk_live_123") == false)
        let c = error("name: j\nprovider: rapyd\nendpoint: sandbox\ncredentials: {secret_key_env: 'rsk live'}\n")
        #expect(c?.key == "credentials.secret_key_env")
    }

    @Test func malformedYAMLNamesTheLine() {
        let e = error("name: j\nprovider: [rapyd\nendpoint: sandbox\n")
        #expect(e?.line != nil)
        #expect(e?.message.contains("YAML") == true)
        #expect(error("- a\n- b\n")?.message.contains("mapping") == true)
        #expect(error("name: j\nname: k\nprovider: rapyd\nendpoint: sandbox\n") != nil)
    }

    @Test func durationsAndWindows() {
        #expect(DurationText.milliseconds("800ms") == 800)
        #expect(DurationText.milliseconds("1.5s") == 1500)
        #expect(DurationText.milliseconds("1m30s") == 90_000)
        #expect(DurationText.milliseconds("2h") == 7_200_000)
        #expect(DurationText.milliseconds("10") == nil)
        #expect(DurationText.milliseconds("s") == nil)
        #expect(DurationText.milliseconds("5d") == nil)
        #expect(RateWindow.parse("200/1m") == RateWindow(limit: 200, seconds: 60))
        #expect(RateWindow.parse("1000/5m") == RateWindow(limit: 1000, seconds: 300))
        #expect(RateWindow.parse("10/s") == RateWindow(limit: 10, seconds: 1))
        #expect(RateWindow.parse("0.5") == RateWindow(limit: 1, seconds: 2))
        #expect(RateWindow.parse("0/1m") == nil)
        #expect(RateWindow.parse("-3") == nil)
        #expect(ExecutorPolicy.FailureLimit.parse("12") == .count(12))
        #expect(ExecutorPolicy.FailureLimit.parse("101%") == nil)
    }

    @Test func theSampleJobsParse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for name in ["juspay-reprice", "rapyd-metadata"] {
            let job = try JobParser.load(path: root.appendingPathComponent("jobs/\(name).yaml").path)
            #expect(job.name == name)
            #expect(job.endpoint == .emulator)
            #expect(FileManager.default.fileExists(atPath: job.input ?? ""))
        }
    }

    @Test func theEmulatorSectionConfiguresTheBuiltInEmulatorOnly() throws {
        let job = try parse(
            """
            name: drill
            provider: rapyd
            endpoint: emulator
            emulator:
              orders: ../samples/orders.jsonl
              latency: juspay
              fail_rate: 0.2
              fail_with: reset
              seed: 7
              rate_limits: off
              idempotency: false
              unknown_orders: not-found
            """)
        #expect(job.emulator.orders == "samples/orders.jsonl")
        #expect(job.emulator.latency == "juspay")
        #expect(job.emulator.failRate == 0.2)
        #expect(job.emulator.failWith == "reset")
        #expect(job.emulator.seed == 7)
        #expect(!job.emulator.rateLimits)
        #expect(!job.emulator.idempotency)
        #expect(job.emulator.unknownOrders == "not-found")
        #expect(try parse("name: d\nprovider: rapyd\nendpoint: emulator\n").emulator == Job.EmulatorSettings())

        let elsewhere = error("name: d\nprovider: rapyd\nendpoint: sandbox\nemulator:\n  latency: juspay\n")
        #expect(elsewhere?.key == "emulator")
        #expect(elsewhere?.message.contains("endpoint: emulator") == true)
        let rate = error("name: d\nprovider: rapyd\nendpoint: emulator\nemulator:\n  fail_rate: 1.5\n")
        #expect(rate?.key == "emulator.fail_rate")
        #expect(rate?.line == 5)
        let fault = error("name: d\nprovider: rapyd\nendpoint: emulator\nemulator:\n  fail_with: 500\n")
        #expect(fault?.message.contains("503, 429, reset, hang") == true)
        #expect(
            error("name: d\nprovider: rapyd\nendpoint: emulator\nemulator:\n  latncy: juspay\n")?.key
                == "emulator.latncy")
    }

    @Test func theEmulatorSectionSetsAccountAndPathFaults() throws {
        let job = try parse(
            """
            name: drill
            provider: rapyd
            endpoint: emulator
            emulator:
              revoke_after: 60
              garble: reads
              pad_mb: 24
            """)
        #expect(job.emulator.revokeAfter == 60)
        #expect(job.emulator.garble == "reads")
        #expect(job.emulator.padMB == 24)
        let defaults = Job.EmulatorSettings()
        #expect(defaults.revokeAfter == nil && defaults.garble == "none" && defaults.padMB == 0)

        let garble = error("name: d\nprovider: rapyd\nendpoint: emulator\nemulator:\n  garble: all\n")
        #expect(garble?.key == "emulator.garble")
        #expect(garble?.message.contains("none, updates, reads, both") == true)
        #expect(
            error("name: d\nprovider: rapyd\nendpoint: emulator\nemulator:\n  pad_mb: 2000\n")?.key == "emulator.pad_mb"
        )
        #expect(error("name: d\nprovider: rapyd\nendpoint: emulator\nemulator:\n  revoke_after: -1\n")?.line == 5)
    }
}
