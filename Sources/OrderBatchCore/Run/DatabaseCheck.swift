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
        throw RunError.stateLost("orderbatch: \(RunStoreError.damaged(path: path, problems: problems))")
    }
}
