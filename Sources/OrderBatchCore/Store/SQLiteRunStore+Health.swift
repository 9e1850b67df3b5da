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

    public func quickCheck() throws -> [String] {
        try withConnection { db in
            let statement = try db.prepare("PRAGMA quick_check")
            var lines: [String] = []
            while try statement.step() {
                if let line = statement.string(at: 0), line != "ok" { lines.append(line) }
            }
            return lines
        }
    }
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
