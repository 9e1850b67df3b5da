import Foundation

// MARK: - Open runs, and closing them (cancel, supersede)

extension SQLiteRunStore {
    public func openRuns(jobName: String) throws -> [RunRecord] {
        try queryRuns(
            """
            SELECT \(Self.runColumns) FROM runs
            WHERE job_name = ?1 AND state IN ('ingesting', 'ready', 'running', 'stopped')
            ORDER BY created_at DESC, rowid DESC
            """, jobName)
    }

    public func cancelRun(id: String, reason: String) throws -> RunCounts {
        let now = clock().timeIntervalSince1970
        try withConnection { db in
            try db.inTransaction(.immediate) {
                let read = try db.cachedStatement("SELECT state FROM runs WHERE id = ?1")
                defer { read.reset() }
                try read.bind(id, at: 1)
                guard try read.step() else { throw RunStoreError.unknownRun(id) }
                let state = read.string(at: 0).flatMap(RunState.init(rawValue:))
                read.reset()
                guard let state, state.isOpen else {
                    throw RunStoreError.notOpen(runID: id, state: state ?? .canceled)
                }
                // No process holds the run (the caller holds its lease): a row it left in flight may have
                // been applied, so it is recorded as unknown, never as pending.
                let items = try db.cachedStatement(
                    """
                    UPDATE items SET state = 'unknown', sent_at = NULL, updated_at = ?2
                    WHERE run_key = (SELECT key FROM runs WHERE id = ?1) AND state = 'in_flight'
                    """)
                try items.bind(id, at: 1)
                try items.bind(now, at: 2)
                try items.run()
                let run = try db.cachedStatement(
                    """
                    UPDATE runs SET state = 'canceled', state_reason = ?2, updated_at = ?3, finished_at = ?3
                    WHERE id = ?1
                    """)
                try run.bind(id, at: 1)
                try run.bind(reason, at: 2)
                try run.bind(now, at: 3)
                try run.run()
            }
        }
        return try counts(runID: id)
    }
}

extension RunState {
    /// Whether a run in this state may still send something when resumed: ``ingesting``, ``ready``,
    /// ``running`` or ``stopped``.
    public var isOpen: Bool {
        switch self {
        case .ingesting, .ready, .running, .stopped: return true
        case .finished, .failedIngest, .canceled: return false
        }
    }
}
