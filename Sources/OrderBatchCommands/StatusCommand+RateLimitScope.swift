import Foundation
import OrderBatchCore

extension OrderBatch.Status {
    /// The shared rate limit a PostgreSQL run draws on: its key (the identity as the provider module states it,
    /// never a key) and its state now.
    struct SharedRateLimit {
        var key: String
        var state: RateLimitScopeState?

        /// `account` or `run`, from the key's first part.
        var kind: String { key.hasPrefix("run/") ? "run" : "account" }
    }

    /// The run's shared rate limit, or nil for a SQLite database or a run that never drew on one.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - store: Its state database.
    /// - Returns: The scope and its state.
    /// - Throws: ``PostgresError`` when the server does not answer.
    static func sharedRateLimit(runID: String, in store: any RunStore) throws -> SharedRateLimit? {
        guard let postgres = store as? PostgresRunStore, let found = try postgres.rateLimitScope(runID: runID)
        else { return nil }
        return SharedRateLimit(key: found.key, state: found.state)
    }

    /// `rate limit scope  account/juspay/merchant:m@host (every job on this provider account), 50% of the limits,
    /// paused 12 s more after a 429 (3 429s, 900 requests paced)`; nothing when there is none.
    ///
    /// - Parameter shared: The run's shared rate limit, or nil.
    /// - Returns: The detail's lines.
    static func rateLimitScopeLines(_ shared: SharedRateLimit?) -> [(String, String)] {
        guard let shared else { return [] }
        let who = shared.kind == "run" ? "this run's workers" : "every job on this provider account"
        var text = "\(shared.key) (shared by \(who))"
        guard let state = shared.state else { return [("rate limit scope", text + ", nothing paced yet")] }
        text += ", \(Int((state.shareNow * 100).rounded()))% of the limits"
        if let pause = state.pauseLeftSeconds {
            text += ", every worker paused \(Int(pause.rounded(.up))) s more after a 429"
        }
        text += " (\(state.rateLimited) 429s, \(state.granted) requests paced)"
        return [("rate limit scope", text)]
    }

    /// The `"rate_limit_scope"` member of `--json` for a PostgreSQL run (null when it never drew on a shared
    /// limit); none for a SQLite database.
    ///
    /// - Parameters:
    ///   - shared: The run's shared rate limit, or nil.
    ///   - isPostgres: Whether the database is PostgreSQL.
    /// - Returns: Zero or one member.
    static func rateLimitScopeMember(
        _ shared: SharedRateLimit?, isPostgres: Bool
    ) -> [(key: String, value: JSONValue)] {
        guard isPostgres else { return [] }
        guard let shared else { return [(key: "rate_limit_scope", value: .null)] }
        func decimal(_ value: Double) -> JSONValue {
            JSONNumber(literal: String(format: "%.2f", value)).map(JSONValue.number) ?? .null
        }
        let state = shared.state
        let object: JSONValue = .object([
            ("scope", .string(shared.kind)),
            ("key", .string(shared.key)),
            ("share", decimal(state?.shareNow ?? 1)),
            ("paused_seconds", state?.pauseLeftSeconds.map(decimal) ?? .null),
            ("rate_limited", .number(JSONNumber(Int(state?.rateLimited ?? 0)))),
            ("granted", .number(JSONNumber(Int(state?.granted ?? 0)))),
        ])
        return [(key: "rate_limit_scope", value: object)]
    }
}
