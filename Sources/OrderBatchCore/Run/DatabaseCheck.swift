import Foundation

/// `PRAGMA quick_check` before a command trusts what the state database says: `resume` and `retry`
/// would send from it, `status` and `report` would show counts that a damaged file can get wrong
/// (a damaged index counts what is left of a table).
public enum DatabaseCheck {
    /// Returns when the database is sound.
    ///
    /// - Parameters:
    ///   - store: The open state database.
    ///   - path: Its file, for the message.
    /// - Throws: ``RunError/stateLost(_:)`` saying what is wrong (exit 74).
    public static func requireSound(_ store: some RunStore, path: String) throws {
        try requireNone(
            readingDamage(path: path, by: "PRAGMA quick_check") { try store.quickCheck() },
            by: "PRAGMA quick_check", path: path)
    }

    /// Returns when run `runID`'s counts can be trusted (``RunStore/consistencyProblems(runID:)``): the
    /// check `status` and `report` make, instead of `PRAGMA quick_check`'s read of the whole file.
    ///
    /// - Parameters:
    ///   - store: The open state database.
    ///   - runID: The run whose counts are about to be shown.
    ///   - path: The database file, for the message.
    /// - Throws: ``RunError/stateLost(_:)`` saying what is wrong (exit 74).
    public static func requireConsistent(_ store: some RunStore, runID: String, path: String) throws {
        try requireNone(
            readingDamage(path: path) { try store.consistencyProblems(runID: runID) }, by: nil, path: path)
    }

    /// Runs `body`, turning a corruption SQLite meets on the way (`SQLITE_CORRUPT`, `SQLITE_NOTADB`) into
    /// ``RunError/stateLost(_:)``.
    ///
    /// - Parameters:
    ///   - path: The database file, for the message.
    ///   - check: The check being run, named in the message, or nil.
    ///   - body: The reads.
    /// - Returns: What `body` returns.
    /// - Throws: ``RunError/stateLost(_:)`` for a corruption; anything else `body` throws, unchanged.
    public static func readingDamage<T>(path: String, by check: String? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.isCorruption {
            throw damage([error.message], by: check, path: path)
        }
    }

    /// Throws ``damage(_:by:path:)`` unless `problems` is empty.
    private static func requireNone(_ problems: [String], by check: String?, path: String) throws {
        if !problems.isEmpty { throw damage(problems, by: check, path: path) }
    }

    /// ``RunError/stateLost(_:)`` naming `problems`, the first prefixed with the check that found it.
    private static func damage(_ problems: [String], by check: String?, path: String) -> RunError {
        let first = problems.first.map { first in check.map { "\($0): \(first)" } ?? first }
        let named = (first.map { [$0] } ?? []) + problems.dropFirst()
        return RunError.stateLost("orderbatch: \(RunStoreError.damaged(path: path, problems: named))")
    }
}
