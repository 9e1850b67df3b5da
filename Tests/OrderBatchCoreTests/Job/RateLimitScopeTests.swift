import Foundation
import OrderBatchCore
import Testing

/// `rate_limit_scope` and `rate_limit_pause` in job files, and the scope keys they make.
@Suite struct RateLimitScopeTests {
    static let base = "name: r\nprovider: rapyd\nendpoint: sandbox\ninput: x.jsonl\n"

    @Test func absentMeansTheDefaultAccountScopeAndAMinutePause() throws {
        let job = try JobParser.parse(text: Self.base, path: "jobs/r.yaml")
        #expect(job.rateLimitScope == nil)
        #expect(RateLimitScope.default == .account)
        #expect(job.rateLimitPause == 60_000)
    }

    @Test func bothKeysAreReadAndBadValuesRefusedWithTheirLine() throws {
        let job = try JobParser.parse(
            text: Self.base + "rate_limit_scope: run\nrate_limit_pause: 2m\n", path: "jobs/r.yaml")
        #expect(job.rateLimitScope == .run)
        #expect(job.rateLimitPause == 120_000)
        #expect(throws: JobError.self) {
            try JobParser.parse(text: Self.base + "rate_limit_scope: host\n", path: "jobs/r.yaml")
        }
        do {
            _ = try JobParser.parse(text: Self.base + "rate_limit_scope: host\n", path: "jobs/r.yaml")
        } catch {
            #expect(error.description.contains("rate_limit_scope"))
            #expect(error.description.contains("r.yaml:5:"))
            #expect(error.description.contains("account") && error.description.contains("run"))
        }
        #expect(throws: JobError.self) {
            try JobParser.parse(text: Self.base + "rate_limit_pause: 2h\n", path: "jobs/r.yaml")
        }
    }

    @Test func accountKeysNameTheProviderAccountNeverTheSecret() throws {
        let rapyd = try JobParser.parse(text: Self.base, path: "jobs/r.yaml")
        let secret = "rak_live_0123456789SECRET"
        let credentials = ProviderCredentials(["access_key_env": Secret(secret), "secret_key_env": Secret("rsk_x")])
        let key = RateLimitScope.account.key(
            job: rapyd, runID: "run1", credentials: credentials, baseURL: "https://api.rapyd.net")
        #expect(key.hasPrefix("account/rapyd/key-sha256:"))
        #expect(key.hasSuffix("@api.rapyd.net"))
        #expect(!key.contains(secret) && !key.contains("rsk_x"))
        // Two jobs with the same key share the scope; another key, or the sandbox, is another account.
        let other = ProviderCredentials(["access_key_env": Secret(secret + "2"), "secret_key_env": Secret("rsk_x")])
        #expect(
            key
                == RateLimitScope.account.key(
                    job: rapyd, runID: "run2", credentials: credentials, baseURL: "https://api.rapyd.net"))
        #expect(
            key
                != RateLimitScope.account.key(
                    job: rapyd, runID: "run1", credentials: other, baseURL: "https://api.rapyd.net"))
        #expect(
            key
                != RateLimitScope.account.key(
                    job: rapyd, runID: "run1", credentials: credentials, baseURL: "https://sandboxapi.rapyd.net"))
        #expect(RateLimitScope.run.key(job: rapyd, runID: "run1", credentials: credentials, baseURL: "x") == "run/run1")

        let juspay = try JobParser.parse(
            text: "name: j\nprovider: juspay\nendpoint: sandbox\ninput: x.csv\nmerchant_id: shop42\n",
            path: "jobs/j.yaml")
        let juspayKey = RateLimitScope.account.key(
            job: juspay, runID: "r", credentials: ProviderCredentials(["api_key_env": Secret("jp_secret")]),
            baseURL: "https://api.juspay.in")
        #expect(juspayKey == "account/juspay/merchant:shop42@api.juspay.in")
    }
}
