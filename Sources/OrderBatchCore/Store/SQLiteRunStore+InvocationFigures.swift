import Foundation

// MARK: - The figures at the end of an invocation, without reading the attempts log back

extension SQLiteRunStore {
    /// This invocation's figures from what this store recorded, and the whole run's as the previous
    /// invocation's stored figures plus this one's; then stores the whole run's with this invocation
    /// (`invocations.run_figures`). The log is read back (once) only when the chain is broken: the previous
    /// invocation did not end (killed) or an older release recorded it. One process executes a run at a
    /// time (its lease), so the invocations of a run follow each other and every attempt belongs to one.
    public func invocationFigures(
        runID: String, since: Date, wholeRun: Bool, topErrors: Int
    ) throws -> (invocation: RequestStatistics, wholeRun: RequestStatistics?) {
        let (mine, invocation) = recorded.withLock { ($0.figures[runID] ?? RequestFigures(), $0.invocations[runID]) }
        guard let invocation else {
            // No invocation recorded through this store (a test driving the store directly): from the log.
            return try invocationFiguresFromLog(runID: runID, since: since, wholeRun: wholeRun, topErrors: topErrors)
        }
        let whole: RequestFigures
        switch try previousRunFigures(runID: runID, before: invocation.id) {
        case .none where invocation.command == .run:
            whole = mine  // the run's first invocation: nothing was sent before it
        case .some(.some(let text)):
            if var prior = try? JSONDecoder().decode(RequestFigures.self, from: Data(text.utf8)) {
                prior.merge(mine)
                whole = prior
            } else {
                whole = try figuresFromLog(runID: runID)
            }
        default:
            whole = try figuresFromLog(runID: runID)
        }
        if let text = try? JSONEncoder().encode(whole) {
            try withConnection { db in
                let statement = try db.cachedStatement("UPDATE invocations SET run_figures = ?2 WHERE id = ?1")
                defer { statement.reset() }
                try statement.bind(invocation.id, at: 1)
                try statement.bind(String(decoding: text, as: UTF8.self), at: 2)
                try statement.run()
            }
        }
        return (mine.statistics(topErrors: topErrors), wholeRun ? whole.statistics(topErrors: topErrors) : nil)
    }

    /// The `run_figures` of the invocation of run `runID` just before invocation `id`: nil when there is
    /// none, `.some(nil)` when it left none.
    private func previousRunFigures(runID: String, before id: Int64) throws -> String?? {
        try withConnection { db in
            let statement = try db.cachedStatement(
                "SELECT run_figures FROM invocations WHERE run_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT 1")
            defer { statement.reset() }
            try statement.bind(runID, at: 1)
            try statement.bind(id, at: 2)
            guard try statement.step() else { return nil }
            return .some(statement.string(at: 0))
        }
    }

    /// The whole run's figures read from the attempts log (two grouped queries over every attempt).
    private func figuresFromLog(runID: String) throws -> RequestFigures {
        let origin = Date(timeIntervalSince1970: 0)
        return RequestFigures(
            groups: try attemptGroups(runID: runID, since: nil, origin: origin, bucketSeconds: 1e15),
            errors: try errorGroups(runID: runID, since: nil, origin: origin, bucketSeconds: 1e15))
    }
}
