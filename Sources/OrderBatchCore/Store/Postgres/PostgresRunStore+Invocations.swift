import Foundation

// MARK: - Invocations (schema version 3)

extension PostgresRunStore {
    public func recordInvocation(_ invocation: InvocationRecord) throws {
        let options = try invocation.overrides.pacingJSON()
        try withConnection { db in
            try db.query(
                """
                INSERT INTO invocations (run_id, command, started_at, options_json)
                VALUES ($1, $2, to_timestamp($3::float8), $4)
                """,
                [invocation.runID, invocation.command.rawValue, invocation.startedAt, options] as [any PostgresBindable]
            )
        }
    }

    public func invocations(runID: String) throws -> [InvocationRecord] {
        try withConnection { db in
            let rows = try db.query(
                "SELECT command, extract(epoch FROM started_at), options_json FROM invocations WHERE run_id = $1 ORDER BY id",
                [runID] as [any PostgresBindable])
            return try (0..<rows.rowCount).map { row in
                let command = rows.string(row, 0) ?? ""
                let options = rows.string(row, 2) ?? ""
                guard let kind = InvocationCommand(rawValue: command),
                    let overrides = try? JSONDecoder().decode(RunOverrides.self, from: Data(options.utf8))
                else {
                    throw RunStoreError.corruptRow(
                        runID: runID, seq: 0, detail: "unreadable invocation '\(command)' with options \(options)")
                }
                return InvocationRecord(
                    runID: runID, command: kind, startedAt: Date(timeIntervalSince1970: rows.double(row, 1) ?? 0),
                    overrides: overrides)
            }
        }
    }
}
