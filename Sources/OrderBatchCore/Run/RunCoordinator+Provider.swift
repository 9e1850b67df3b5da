import Foundation

/// What the coordinator asks of the job's provider: its module (from ``RunCoordinator/registry``), its
/// credentials (from ``RunCoordinator/environment``) and the wording of a stop.
extension RunCoordinator {
    /// The module of the job's provider, as registered.
    ///
    /// - Throws: ``RunError/usage(_:)`` (exit 64) when the registry has no provider of that name (a run recorded
    ///   by a build with another provider).
    func module(for job: Job) throws(RunError) -> any ProviderModule {
        guard let kind = registry.provider(named: job.provider.rawValue) else {
            throw .usage(
                "orderbatch: job \(job.name) names provider \(job.provider.rawValue), which this build does not know "
                    + "(known: \(registry.namesAsChoice))")
        }
        return kind.module
    }

    /// The job's credentials from ``environment``; for `endpoint: emulator` the emulator's documented demo values
    /// stand in for unset variables. Read before anything is recorded or started (emulator, transport), so a
    /// missing variable leaves nothing behind.
    ///
    /// - Throws: ``RunError/usage(_:)`` (exit 64) naming the first missing variable.
    func requireCredentials(for job: Job, module: any ProviderModule) throws(RunError) -> ProviderCredentials {
        do {
            return try ProviderCredentials.read(for: job, environment: environment)
        } catch {
            throw .usage(
                "orderbatch: \(error.name) is not set: export the \(module.name) credential in the environment (job \(job.path))"
            )
        }
    }

    /// The stop reason as the operator reads it: for refused credentials, the variables to check.
    ///
    /// - Parameters:
    ///   - reason: Why the driver stopped.
    ///   - job: The job, for its credential variables.
    ///   - module: The job's provider, for its name.
    ///   - runID: The run, for the `resume` line.
    /// - Returns: One sentence ending with what to type.
    static func explain(
        _ reason: ExecutorStateMachine.StopReason, job: Job, module: any ProviderModule, runID: String
    ) -> String {
        guard case .runLevel(let condition, let last) = reason else { return reason.description }
        switch condition {
        case .credentialsRefused:
            return "\(module.displayName) refused the credentials (\(last)): check "
                + "\(job.credentials.variables.joined(separator: " and ")), then `orderbatch resume \(runID)`"
        default:
            return "\(condition.summary) (\(last)): \(condition.remedy), then `orderbatch resume \(runID)`"
        }
    }
}
