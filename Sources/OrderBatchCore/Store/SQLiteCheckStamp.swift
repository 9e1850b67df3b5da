import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The remembered clean check of a SQLite state database: the file `STATE-checked` beside it, written when
/// orderbatch closes a database it knew to be sound (it created the file, `PRAGMA quick_check` passed, or the
/// stamp still matched when it opened it), with nothing left in the `-wal` file and no corruption met.
///
/// It holds the file's device, inode, size, modification and change times. The next `resume` or `retry`
/// trusts the file without reading all of it (`PRAGMA quick_check` takes about 8 s on a 1M-row, 420 MB file)
/// only when all of them are unchanged and there is no `-wal` file with content: any write to the file since,
/// by orderbatch, the `sqlite3` shell, a copy or a restore, changes its change time (`st_ctime`, which no user
/// can set back), and a WAL left by a process killed mid-write holds commits nobody checked. A file damaged
/// without any write (a failing disk) shows as `SQLITE_CORRUPT` or `SQLITE_IOERR` on the pages read; the store
/// then deletes the stamp, so the next `resume` checks the whole file.
///
/// Best effort: a stamp that cannot be written or read means a full check next time, never a skipped one.
struct SQLiteCheckStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedNanoseconds: Int64
    var changedNanoseconds: Int64

    /// The stamp file beside the database at `path` (removed with `rm STATE*`, like `-wal` and `-shm`).
    static func stampPath(for path: String) -> String { path + "-checked" }

    /// The database file's stamp as it is now; nil when it cannot be read.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changedNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    private init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanoseconds = modified
        self.changedNanoseconds = changed
    }

    /// The first line of a stamp file: a name and version, so that a file of another shape never matches.
    private static let header = "orderbatch-checked 1"

    /// The stamp file's text.
    private var text: String {
        "\(Self.header)\n\(device) \(inode) \(size) \(modifiedNanoseconds) \(changedNanoseconds)\n"
    }

    /// Parses a stamp file's text; nil for anything else.
    private init?(text: String) {
        let lines = text.split(separator: "\n")
        guard lines.count == 2, lines[0] == Self.header else { return nil }
        let fields = lines[1].split(separator: " ")
        guard fields.count == 5, let device = UInt64(fields[0]), let inode = UInt64(fields[1]),
            let size = Int64(fields[2]), let modified = Int64(fields[3]), let changed = Int64(fields[4])
        else { return nil }
        self.init(device: device, inode: inode, size: size, modified: modified, changed: changed)
    }

    /// Whether the database at `path` is as orderbatch left it after a sound session: its stamp matches the
    /// file and no `-wal` file with content lies beside it. Call before opening a connection (which may
    /// replay a WAL into the file).
    static func matches(path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: stampPath(for: path)),
            let stamp = SQLiteCheckStamp(text: String(decoding: data, as: UTF8.self)),
            let now = SQLiteCheckStamp(path: path), stamp == now
        else { return false }
        return !walHasContent(path: path)
    }

    /// Writes the stamp of the database at `path` as it is now, if it is `identity` (the file that was open)
    /// and its WAL is gone or empty (every commit is in the file; no other connection is open). Call after
    /// the connection closed. Failures are ignored: the next `resume` then checks the whole file.
    static func write(path: String, identity: FileIdentity) {
        guard FileIdentity(path: path) == identity, !walHasContent(path: path),
            let stamp = SQLiteCheckStamp(path: path)
        else { return remove(path: path) }
        try? Data(stamp.text.utf8).write(to: URL(fileURLWithPath: stampPath(for: path)), options: .atomic)
    }

    /// Deletes the stamp beside the database at `path`, if any.
    static func remove(path: String) {
        unlink(stampPath(for: path))
    }

    /// Whether `PATH-wal` exists and is not empty.
    private static func walHasContent(path: String) -> Bool {
        var info = stat()
        return stat(path + "-wal", &info) == 0 && info.st_size > 0
    }
}
