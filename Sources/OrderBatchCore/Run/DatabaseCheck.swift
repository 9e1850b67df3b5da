import Foundation

/// `PRAGMA quick_check` before a command trusts what the state database says: `resume` and `retry`
/// would send from it, `status` and `report` would show counts that a damaged file can get wrong
/// (a damaged index counts what is left of a table).
public enum DatabaseCheck {
    /// Returns when the database is sound.
    ///
    /// - Throws: ``RunError/stateLost(_:)`` saying what is wrong (exit 74).
    public static func requireSound(_ store: some RunStore, path: String) throws {
        let problems: [String]
        do {
            problems = try store.quickCheck()
        } catch let error as SQLiteError where error.isCorruption {
            problems = [error.message]
        }
        guard !problems.isEmpty else { return }
        let named = ["PRAGMA quick_check: " + problems[0]] + problems.dropFirst()
        throw RunError.stateLost("orderbatch: \(RunStoreError.damaged(path: path, problems: named))")
    }

    /// Returns when run `runID`'s counts can be trusted (``RunStore/consistencyProblems(runID:)``): the
    /// check `status` and `report` make, instead of `PRAGMA quick_check`'s read of the whole file.
    ///
    /// - Throws: ``RunError/stateLost(_:)`` saying what is wrong (exit 74).
    public static func requireConsistent(_ store: some RunStore, runID: String, path: String) throws {
        let problems: [String]
        do {
            problems = try store.consistencyProblems(runID: runID)
        } catch let error as SQLiteError where error.isCorruption {
            problems = [error.message]
        }
        guard !problems.isEmpty else { return }
        throw RunError.stateLost("orderbatch: \(RunStoreError.damaged(path: path, problems: problems))")
    }

    /// Runs `body`, turning a corruption SQLite meets on the way (`SQLITE_CORRUPT`, `SQLITE_NOTADB`) into
    /// ``RunError/stateLost(_:)``.
    public static func readingDamage<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.isCorruption {
            throw RunError.stateLost("orderbatch: \(RunStoreError.damaged(path: path, problems: [error.message]))")
        }
    }
}
