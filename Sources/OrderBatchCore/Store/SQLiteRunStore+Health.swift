import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Health: the file is still the one opened, and undamaged

extension SQLiteRunStore {
    public func checkStorage() throws {
        let moved = try withConnection { try $0.hasMoved() }
        // SQLite compares inodes; a file replaced by one on another device with the same inode number
        // (a restored backup on another mount) is caught by the device as well.
        if moved || FileIdentity(path: path) != openedIdentity {
            throw RunStoreError.databaseMoved(path: path)
        }
    }

    public func consistencyProblems(runID: String) throws -> [String] {
        let counts = try self.counts(runID: runID)
        // The counts come from the `items_by_state` index; the seq range from the primary key's. A run's
        // rows are numbered 1…N without gaps, so two intact indexes agree: a damaged one that still
        // reads (pages overwritten with plausible bytes) shows as a disagreement.
        let (low, high) = try withConnection { db -> (Int64, Int64) in
            let statement = try db.cachedStatement("SELECT min(seq), max(seq) FROM items WHERE run_id = ?1")
            defer { statement.reset() }
            try statement.bind(runID, at: 1)
            guard try statement.step(), !statement.isNull(at: 0) else { return (0, 0) }
            return (statement.int64(at: 0), statement.int64(at: 1))
        }
        guard counts.total > 0 || high > 0 else { return [] }
        guard low == 1, Int64(counts.total) == high else {
            soundness.withLock { $0.failed = true }
            SQLiteCheckStamp.remove(path: path)
            return [
                "run \(runID) counts \(counts.total) rows by state but its rows are numbered \(low)…\(high): "
                    + "an index of the items table is damaged"
            ]
        }
        return []
    }

    /// `PRAGMA quick_check`'s problems, or none without reading the file when it is exactly as orderbatch
    /// left it after a sound session (``SQLiteCheckStamp``).
    public func quickCheck() throws -> [String] {
        if soundness.withLock({ $0.remembered }) { return [] }
        let problems = try withConnection { db in
            let statement = try db.prepare("PRAGMA quick_check")
            var lines: [String] = []
            while try statement.step() {
                if let line = statement.string(at: 0), line != "ok" { lines.append(line) }
            }
            return lines
        }
        soundness.withLock {
            if problems.isEmpty { $0.known = true } else { $0.failed = true }
        }
        if !problems.isEmpty { SQLiteCheckStamp.remove(path: path) }
        return problems
    }

    /// Whether ``quickCheck()`` trusts a remembered check instead of reading the whole file.
    var checkIsRemembered: Bool { soundness.withLock { $0.remembered } }
}

/// A file's device and inode, from `stat(2)`; nil fields when the path does not exist.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64?
    var inode: UInt64?

    init(path: String) {
        var info = stat()
        if stat(path, &info) == 0 {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }
}
