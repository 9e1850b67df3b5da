// MARK: - `state:`: a SQLite file or a PostgreSQL URL

extension MappingReader {
    /// The job's `state:`: a path resolved against the job file's folder, or a `postgresql://` URL kept as it
    /// is (checked: a password in it is refused, as `user:password@` in endpoints); nil when absent.
    mutating func stateDatabase() throws(JobError) -> String? {
        guard let (text, line) = try string("state") else { return nil }
        guard PostgresURL.isPostgres(text) else { return resolve(text) }
        do {
            return try PostgresURL(text).text
        } catch {
            throw self.error("state", line, error.reason)
        }
    }
}
