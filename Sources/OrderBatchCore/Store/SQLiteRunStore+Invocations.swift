import Foundation

// MARK: - Invocations (schema version 3)

extension SQLiteRunStore {
    public func recordInvocation(_ invocation: InvocationRecord) throws {
        let options = try invocation.overrides.pacingJSON()
        try withConnection { db in
            let statement = try db.cachedStatement(
                "INSERT INTO invocations (run_id, command, started_at, options_json) VALUES (?1, ?2, ?3, ?4)")
            defer { statement.reset() }
            try statement.bind(invocation.runID, at: 1)
            try statement.bind(invocation.command.rawValue, at: 2)
            try statement.bind(invocation.startedAt.timeIntervalSince1970, at: 3)
            try statement.bind(options, at: 4)
            try statement.run()
            let id = db.lastInsertRowID
            recorded.withLock { $0.invocations[invocation.runID] = (id, invocation.command) }
        }
    }

    public func invocations(runID: String) throws -> [InvocationRecord] {
        let rows = try withConnection { db -> [(String, Double, String)] in
            let statement = try db.cachedStatement(
                "SELECT command, started_at, options_json FROM invocations WHERE run_id = ?1 ORDER BY id")
            defer { statement.reset() }
            try statement.bind(runID, at: 1)
            var rows: [(String, Double, String)] = []
            while try statement.step() {
                rows.append((statement.string(at: 0) ?? "", statement.double(at: 1), statement.string(at: 2) ?? ""))
            }
            return rows
        }
        return try rows.map { command, startedAt, options in
            guard let command = InvocationCommand(rawValue: command),
                let overrides = try? JSONDecoder().decode(RunOverrides.self, from: Data(options.utf8))
            else {
                throw RunStoreError.corruptRow(
                    runID: runID, seq: 0, detail: "unreadable invocation '\(command)' with options \(options)")
            }
            return InvocationRecord(
                runID: runID, command: command, startedAt: Date(timeIntervalSince1970: startedAt),
                overrides: overrides)
        }
    }
}
