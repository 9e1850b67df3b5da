#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file's contents all at once: readers see the old file or the new one, never half.
///
/// The bytes go to a hidden temporary file in the same directory (`.NAME.tmp-PID-N`, which a
/// node_exporter textfile collector ignores because it reads only `*.prom`), are `fsync`ed,
/// and the temporary file is renamed over `path` (`rename(2)` is atomic within a file system).
/// On failure the temporary file is removed and `path` is left as it was.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    ///
    /// - Parameters:
    ///   - bytes: The complete new contents.
    ///   - path: The file to replace or create.
    ///   - mode: Permission bits for the file, before the umask (readable by node_exporter by default).
    /// - Throws: ``ReportingError`` naming the step that failed.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(ReportingError) {
        let (directory, name) = split(path)
        var temporary = ""
        var descriptor: Int32 = -1
        for attempt in 0..<100 {
            temporary = directory + "/." + name + ".tmp-\(getpid())-\(attempt)"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw .cannotOpen(path: temporary, errno: errno) }
        let writer = FileDescriptorWriter(fileDescriptor: descriptor, name: temporary)
        do throws(ReportingError) {
            try writer.write(bytes)
            try writer.flush()
            if fsync(descriptor) != 0 { throw .writeFailed(target: temporary, errno: errno) }
            let closed = close(descriptor)
            descriptor = -1
            if closed != 0 { throw .writeFailed(target: temporary, errno: errno) }
            if rename(temporary, path) != 0 { throw .cannotRename(from: temporary, to: path, errno: errno) }
        } catch {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary)
            throw error
        }
        syncDirectory(directory)
    }

    /// Splits `path` into its directory (`.` when none) and its last component.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Best effort: `fsync` the directory so the rename survives a power cut.
    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
