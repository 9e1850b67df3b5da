extension RunCoordinator {
    /// The rate limit a run shares with other processes, or nil when its limit is this process's own.
    ///
    /// - A PostgreSQL store and a job with `rate_limit` windows (after `--rate`): the windows are the total over
    ///   the scope's takers (``RateLimitScope``: every job on the provider account by default, or the run's
    ///   workers), through ``PostgresRateTokens`` on a connection of its own.
    /// - A SQLite state file: nil, as before; a `rate_limit_scope` in the job gets a note saying it has no
    ///   effect. No windows (`rate_limit: none`): nil; 429s still slow each process down on its own.
    ///
    /// - Throws: ``PostgresError`` when the server cannot be reached.
    func sharedRate(
        store: any RunStore, job: Job, runID: String, credentials: ProviderCredentials, baseURL: String
    ) throws -> RunDriver.SharedRate? {
        guard let postgres = store as? PostgresRunStore else {
            if let scope = job.rateLimitScope {
                observer.note(
                    "orderbatch: note: rate_limit_scope: \(scope.rawValue) has no effect with a SQLite state file; "
                        + "the rate limit is this process's own (a run in PostgreSQL shares it)")
            }
            return nil
        }
        guard !job.rateLimit.isEmpty else { return nil }
        let key = (job.rateLimitScope ?? .default).key(
            job: job, runID: runID, credentials: credentials, baseURL: baseURL)
        let source = try PostgresRateTokens(url: postgres.url, scope: key, windows: job.rateLimit)
        // For `status`, which cannot make the key itself (an account's identity may come from a credential).
        do {
            try postgres.recordRateLimitScope(runID: runID, scope: key)
        } catch {
            source.close()
            throw error
        }
        return RunDriver.SharedRate(source: source, pauseSeconds: Double(job.rateLimitPause) / 1000)
    }
}
