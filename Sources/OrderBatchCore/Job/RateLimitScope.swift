import Foundation

/// What a job's `rate_limit` windows count, when the run's state is in PostgreSQL (`rate_limit_scope`).
///
/// - `account` (the default): every request to the same provider account, from every worker of every job
///   whose state is in the same database. Two jobs on one Rapyd account together stay within the limit.
/// - `run`: the requests of this run's workers only.
///
/// With a SQLite state file the limit is always the one process's own (there is one worker), and the key is
/// ignored with a note.
public enum RateLimitScope: String, Sendable, Equatable, CaseIterable {
    case account
    case run

    /// The scope when the job does not say.
    public static let `default` = RateLimitScope.account

    /// The key the shared limit's rows are counted under: `run/<run id>`, or
    /// `account/<provider>/<identity>@<host>` (the identity from the provider's module, never a secret; the
    /// host keeps a sandbox and a production account apart).
    ///
    /// - Parameters:
    ///   - job: The job (its provider).
    ///   - runID: The run.
    ///   - credentials: The run's secrets, for an identity that is a hash of a key.
    ///   - baseURL: Where the requests go.
    /// - Returns: The scope's key.
    public func key(job: Job, runID: String, credentials: ProviderCredentials, baseURL: String) -> String {
        switch self {
        case .run:
            return "run/\(runID)"
        case .account:
            let module = job.provider.module
            let host =
                URLComponents(string: baseURL).map { c in
                    (c.host ?? "") + (c.port.map { ":\($0)" } ?? "")
                } ?? baseURL
            return "account/\(module.name)/\(module.accountIdentity(job: job, credentials: credentials))@\(host)"
        }
    }
}
