#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An input that cannot be read twice (standard input, a pipe, `/dev/stdin`, a process substitution),
/// copied into an unnamed file so that it is hashed, validated, recorded and resumed like any file.
///
/// The copy is an `O_TMPFILE` file in the spool directory: it has no name until ``keep(in:format:)`` links
/// it into place, already complete and `fsync`ed, so a failed copy, an invalid input, a signal or even
/// `kill -9` leaves nothing half-written behind (the kernel frees an unnamed file when its last descriptor
/// closes). Until then, it is read back through ``readablePath`` (`/proc/self/fd/N`). Owns the descriptor,
/// closed in `deinit`; immutable, so it may cross tasks.
///
/// ```swift
/// let spool = try InputSpool(copying: "-", into: "state/nightly.sqlite.inputs")
/// validate(spool.readablePath)
/// let kept = try spool.keep(in: "state/nightly.sqlite.inputs", format: .csv)  // …/3f2a….csv
/// ```
///
/// Linux only: `O_TMPFILE` and `/proc/self/fd`. A file system without `O_TMPFILE` support is refused with
/// a message saying to write the input to a file first.
public final class InputSpool: Sendable {
    /// The SHA-256 of the bytes copied, lowercase hex.
    public let sha256: String
    /// How many bytes were copied.
    public let byteCount: Int64
    private let fd: Int32

    /// The copy, readable by path while this value lives.
    public var readablePath: String { "/proc/self/fd/\(fd)" }

    /// Whether `path` must be spooled to be read more than once: `-` (standard input), a path under `/dev/` or
    /// `/proc/` (`/dev/stdin`, `/dev/fd/63`: even when it leads to a regular file, another process reading the
    /// same path later would read something else), or anything that is not a regular file (a pipe, a
    /// terminal, a socket).
    ///
    /// - Parameter path: The input as given.
    /// - Returns: False for a regular file and for a path that does not exist (the reader says so).
    public static func isNeeded(for path: String) -> Bool {
        if path == "-" || path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return true }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }

    /// Copies `source` (`-` for standard input) into an unnamed file in `directory` (created if missing),
    /// hashing it on the way.
    ///
    /// - Parameters:
    ///   - source: `-`, or the path of a pipe or device.
    ///   - directory: Where the copy lives: the folder ``keep(in:format:)`` will link it into.
    /// - Throws: ``InputSpoolError`` naming the step that failed; nothing is left in `directory`.
    public init(copying source: String, into directory: String) throws(InputSpoolError) {
        try Self.makeDirectory(directory)
        let out = open(directory, Self.openTemporaryFile | O_RDWR | O_CLOEXEC, 0o600)
        guard out >= 0 else {
            let code = errno
            if code == EOPNOTSUPP || code == EISDIR || code == EINVAL { throw .noUnnamedFiles(directory: directory) }
            throw .cannotCreate(directory: directory, errno: code)
        }
        let input = source == "-" ? STDIN_FILENO : open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            let code = errno
            close(out)
            throw .cannotRead(source: source, errno: code)
        }
        defer { if input != STDIN_FILENO { close(input) } }
        let hasher = SHA256Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = read(input, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let code = errno
                close(out)
                throw .cannotRead(source: source, errno: code)
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(chunk)
            var written = 0
            while written < n {
                let w = write(out, chunk.baseAddress.map { $0 + written }, n - written)
                if w < 0 && errno == EINTR { continue }
                if w <= 0 {
                    let code = errno
                    close(out)
                    throw .cannotWrite(directory: directory, errno: code)
                }
                written += w
            }
            total += Int64(n)
        }
        guard fsync(out) == 0 else {
            let code = errno
            close(out)
            throw .cannotWrite(directory: directory, errno: code)
        }
        self.fd = out
        self.sha256 = hasher.finalize()
        self.byteCount = total
    }

    deinit { close(fd) }

    /// Gives the copy its name, `directory/<sha256>.<csv|jsonl>`, and `fsync`s the directory. A file of that
    /// name is already this content (its name is its hash): it is kept as it is.
    ///
    /// - Parameters:
    ///   - directory: The folder given to ``init(copying:into:)``.
    ///   - format: Names the extension, so that the file reads back in its format.
    /// - Returns: The path of the named copy.
    /// - Throws: ``InputSpoolError/cannotName(path:errno:)``.
    public func keep(in directory: String, format: InputFormat) throws(InputSpoolError) -> String {
        let path = directory + "/" + sha256 + "." + format.rawValue
        if linkat(AT_FDCWD, readablePath, AT_FDCWD, path, AT_SYMLINK_FOLLOW) != 0 {
            let code = errno
            var info = stat()
            guard code == EEXIST, stat(path, &info) == 0, Int64(info.st_size) == byteCount else {
                throw .cannotName(path: path, errno: code)
            }
        }
        let dir = open(directory, O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
        return path
    }

    /// `O_TMPFILE`, a function-like combination Swift does not import: `__O_TMPFILE | O_DIRECTORY`, with
    /// `__O_TMPFILE` = 0o20000000 in Linux's generic `fcntl.h` (x86-64 and arm64 alike). An old kernel that
    /// does not know it fails the call with `EISDIR` (it sees `O_DIRECTORY` with write access), which is
    /// refused as ``InputSpoolError/noUnnamedFiles(directory:)``.
    private static let openTemporaryFile: Int32 = 0o20000000 | O_DIRECTORY

    /// Creates `directory` and its parents when missing.
    private static func makeDirectory(_ directory: String) throws(InputSpoolError) {
        var built = directory.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw .cannotCreate(directory: directory, errno: errno)
            }
        }
    }
}
