import Foundation
import Glibc
import OrderBatchCore
import Testing

/// Standard input or a pipe copied beside the state database: hashed on the way, unnamed until it is kept,
/// so that nothing half-written is ever left behind.
@Suite struct InputSpoolTests {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "spool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A named pipe in `directory`, fed `text` by a writer on its own thread (opening a FIFO blocks until both
    /// ends are open).
    private func fifo(in directory: String, feeding text: String) throws -> String {
        let path = directory + "/pipe"
        try #require(mkfifo(path, 0o600) == 0)
        let bytes = Array(text.utf8)
        Thread.detachNewThread {
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { return }
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        return path
    }

    @Test func aPipeIsCopiedHashedAndNamedOnlyWhenKept() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let text = "order_id,routing_id,amount\nORD1,c1,1.5\n"
        let pipe = try fifo(in: base, feeding: text)
        #expect(InputSpool.isNeeded(for: pipe) && InputSpool.isNeeded(for: "-"))
        #expect(InputSpool.isNeeded(for: "/dev/stdin") && InputSpool.isNeeded(for: "/proc/self/fd/0"))
        let spoolDirectory = base + "/db.sqlite.inputs"
        let spool = try InputSpool(copying: pipe, into: spoolDirectory)
        #expect(spool.byteCount == Int64(text.utf8.count))
        #expect(try String(contentsOfFile: spool.readablePath, encoding: .utf8) == text)
        // Until kept, the copy has no name: an invalid input or a killed process leaves nothing behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDirectory).isEmpty)

        let kept = try spool.keep(in: spoolDirectory, format: .csv)
        #expect(kept == spoolDirectory + "/" + spool.sha256 + ".csv")
        #expect(try SHA256Hasher.hexDigest(ofFileAt: kept) == spool.sha256)
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == text)
        // The same bytes again: the file named after them is already there, and kept as it is.
        #expect(try spool.keep(in: spoolDirectory, format: .csv) == kept)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDirectory) == [spool.sha256 + ".csv"])
    }

    @Test func aRegularFileIsReadInPlace() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let file = base + "/in.csv"
        try "x\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!InputSpool.isNeeded(for: file))
        #expect(!InputSpool.isNeeded(for: base + "/missing.csv"))
        #expect(InputSelection.absolute("a/./b/../c.csv").hasSuffix("/a/c.csv"))
        #expect(InputSelection.absolute("/x/../y.csv") == "/y.csv")
        let job = try JobParser.parse(
            text: "name: n\nprovider: rapyd\nendpoint: sandbox\n", path: "/srv/jobs/n.yaml")
        #expect(
            InputSelection.spoolDirectory(forDatabase: "/srv/state/n.sqlite", job: job) == "/srv/state/n.sqlite.inputs")
        // A database that is not a file (a PostgreSQL URL): beside the job file.
        #expect(
            InputSelection.spoolDirectory(forDatabase: "postgresql://ob@db:5432/ob", job: job) == "/srv/jobs/n.inputs")
    }

    @Test func anUnreadableSpoolFolderIsRefusedWithWhatToDo() throws {
        let error = #expect(throws: InputSpoolError.self) {
            _ = try InputSpool(copying: "-", into: "/proc/orderbatch-spool")
        }
        #expect(error?.description.hasPrefix("cannot spool the input in /proc/orderbatch-spool: ") == true)
    }
}
