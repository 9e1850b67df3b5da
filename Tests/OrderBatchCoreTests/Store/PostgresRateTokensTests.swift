import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// The rate limit shared through PostgreSQL, against a real server: takers on separate connections and
/// threads, counting the tokens granted per window in the server's time (never a wall-clock bound).
@Suite struct PostgresRateTokensTests {
    /// A fresh schema with orderbatch's tables (the store migrates it), and its URL.
    static func database(_ label: String) throws -> (PostgresRunStore, PostgresURL) {
        let url = try PostgresURL(try TestPostgres.freshURL(label))
        return (try PostgresRunStore(url: url), url)
    }

    /// One grant as the server stamped it.
    struct Granted: Sendable {
        var atMilliseconds: Int64
        var count: Int
        var lifetime: Double
    }

    /// Takes tokens on a thread of its own until `total` have been granted to it, asking for up to `batch`
    /// at a time and waiting what the source says between refusals.
    ///
    /// - Returns: The grants, or the first error's text.
    static func takeOnThread(_ source: PostgresRateTokens, total: Int, batch: Int) async -> ([Granted], String?) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var got = 0
                var grants: [Granted] = []
                var failure: String?
                while got < total {
                    do {
                        let grant = try source.take(batch, returning: [])
                        if grant.count > batch { failure = "granted \(grant.count) of \(batch) asked" }
                        if grant.count > 0 {
                            grants.append(
                                Granted(atMilliseconds: grant.grantID, count: grant.count, lifetime: grant.lifetime))
                            got += grant.count
                        } else {
                            Thread.sleep(forTimeInterval: min(0.05, grant.retryAfter))
                        }
                    } catch {
                        failure = "\(error)"
                        break
                    }
                }
                continuation.resume(returning: (grants, failure))
            }
        }
    }

    /// The most tokens granted within any span of `window + lifetime` (the requests that can start in any
    /// rolling `window` were granted in such a span), with the span's end.
    static func mostInAnySpan(_ grants: [Granted], window: Double) -> (count: Int, at: Int64) {
        let sorted = grants.sorted { $0.atMilliseconds < $1.atMilliseconds }
        var most = (count: 0, at: Int64(0))
        for (index, last) in sorted.enumerated() {
            let span = Int64(((window + last.lifetime) * 1000).rounded(.up))
            let inSpan = sorted[...index].filter { $0.atMilliseconds > last.atMilliseconds - span }
            let count = inSpan.reduce(0) { $0 + $1.count }
            if count > most.count { most = (count, last.atMilliseconds) }
        }
        return most
    }

    @Test func twoTakersOnOneScopeNeverGetMoreThanTheLimitInAnyWindow() async throws {
        let (store, url) = try Self.database("ratetwo")
        defer { try? store.close() }
        let windows = [RateWindow(limit: 20, seconds: 1), RateWindow(limit: 45, seconds: 3)]
        let a = try PostgresRateTokens(url: url, scope: "run/r1", windows: windows)
        let b = try PostgresRateTokens(url: url, scope: "run/r1", windows: windows)
        defer {
            a.close()
            b.close()
        }
        // Nearly twice the longer window's limit in all: both windows roll over.
        async let takenA = Self.takeOnThread(a, total: 40, batch: 3)
        async let takenB = Self.takeOnThread(b, total: 40, batch: 2)
        let (grantsA, failureA) = await takenA
        let (grantsB, failureB) = await takenB
        #expect(failureA == nil && failureB == nil, "\(failureA ?? "") \(failureB ?? "")")
        let grants = grantsA + grantsB
        #expect(grants.reduce(0) { $0 + $1.count } >= 80)
        for window in windows {
            let most = Self.mostInAnySpan(grants, window: window.seconds)
            #expect(most.count <= window.limit, "\(most.count) tokens granted in a \(window) span ending at \(most.at)")
        }
    }

    @Test func scopesAreSeparate() throws {
        let (store, url) = try Self.database("ratescopes")
        defer { try? store.close() }
        // One token an hour: whoever takes it leaves none for an hour, in its scope only.
        let windows = [RateWindow(limit: 1, seconds: 3600)]
        let first = try PostgresRateTokens(
            url: url, scope: "account/acme/key-sha256:0011223344556677@api", windows: windows)
        let again = try PostgresRateTokens(
            url: url, scope: "account/acme/key-sha256:0011223344556677@api", windows: windows)
        let other = try PostgresRateTokens(
            url: url, scope: "account/acme/key-sha256:8899aabbccddeeff@api", windows: windows)
        let run = try PostgresRateTokens(url: url, scope: "run/r2", windows: windows)
        defer {
            for source in [first, again, other, run] { source.close() }
        }
        #expect(try first.take(5, returning: []).count == 1)
        let refused = try again.take(5, returning: [])
        #expect(refused.count == 0)
        #expect(refused.retryAfter > 60, "the next token of an hourly window is far off: \(refused.retryAfter) s")
        #expect(try other.take(5, returning: []).count == 1)
        #expect(try run.take(5, returning: []).count == 1)
    }

    @Test func tokensHandedBackCanBeTakenAgain() throws {
        let (store, url) = try Self.database("rateback")
        defer { try? store.close() }
        let windows = [RateWindow(limit: 1, seconds: 3600)]
        let a = try PostgresRateTokens(url: url, scope: "run/r3", windows: windows)
        let b = try PostgresRateTokens(url: url, scope: "run/r3", windows: windows)
        defer {
            a.close()
            b.close()
        }
        let grant = try a.take(1, returning: [])
        #expect(grant.count == 1)
        #expect(try b.take(1, returning: []).count == 0)
        try a.giveBack([RateTokenLot(grantID: grant.grantID, count: 1)])
        // The window has room again; the pacing bucket (one token an hour) still holds the next one back.
        let counts = try store.withConnection { db in
            try db.query("SELECT sum(used) FROM rate_limit_slots WHERE scope = 'run/r3'").int64(0, 0)
        }
        #expect(counts == 0)
    }

    @Test func a429SeenByOneTakerPausesAndSlowsTheOther() throws {
        let (store, url) = try Self.database("rate429")
        defer { try? store.close() }
        let windows = [RateWindow(limit: 600, seconds: 60)]
        let seer = try PostgresRateTokens(url: url, scope: "account/acme/merchant:m1@api", windows: windows)
        let other = try PostgresRateTokens(url: url, scope: "account/acme/merchant:m1@api", windows: windows)
        defer {
            seer.close()
            other.close()
        }
        let before = try other.take(2, returning: [])
        #expect(before.count == 2 && before.factor == 1)

        let report = try seer.reportRateLimited(ageSeconds: 0.05, pauseSeconds: 30)
        #expect(report.lowered && report.factor == 0.5 && report.pausedSeconds > 29)
        let paused = try other.take(2, returning: [])
        #expect(paused.count == 0)
        #expect(paused.retryAfter > 29, "the other taker waits out the pause: \(paused.retryAfter) s")
        #expect(paused.factor == 0.5)

        // A 429 for a request that started before the lowering is the same overload: nothing more changes.
        let stale = try seer.reportRateLimited(ageSeconds: 10, pauseSeconds: 30)
        #expect(!stale.lowered && stale.factor == 0.5)

        // End the pause (as if it had passed): the other taker gets tokens again, at half the limit.
        _ = try store.withConnection { db in
            try db.query(
                "UPDATE rate_limit_scopes SET paused_until = clock_timestamp(), bucket_at = clock_timestamp() - interval '1 minute'"
            )
        }
        let after = try other.take(64, returning: [])
        #expect(after.count > 0)
        #expect(after.factor < 0.51, "the share climbs back over five minutes: \(after.factor)")
        // Half of 600 a minute, paced over about a second: far fewer than before the 429 allowed at once.
        #expect(after.count <= 6, "\(after.count) tokens at once after the rate was halved")
    }

    @Test func noSecretReachesTheDatabase() throws {
        let key = "rak_live_VERY_SECRET_KEY"
        let identity = ProviderAccount.keyIdentity(Secret(key))
        #expect(identity.hasPrefix("key-sha256:") && identity.count == "key-sha256:".count + 16)
        #expect(!identity.contains(key) && !identity.contains("SECRET"))
        #expect(identity == ProviderAccount.keyIdentity(Secret(key)))
        #expect(identity != ProviderAccount.keyIdentity(Secret(key + "2")))
    }
}
