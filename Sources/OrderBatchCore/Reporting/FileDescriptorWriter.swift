#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to a file descriptor: standard output, standard error, or a file it opened.
///
/// Bytes collect in a buffer of ``bufferSize`` and go out with `write(2)` (retried on `EINTR`
/// and short writes) when it fills and on ``flush()``. A descriptor the writer opened is closed
/// by ``close()`` (or, as a safety net, in `deinit`); standard output and error never are.
///
/// Not thread-safe: one owner writes at a time.
public final class FileDescriptorWriter {
    /// The bytes buffered before a `write(2)`.
    public static let bufferSize = 64 << 10

    /// The descriptor written to.
    public let fileDescriptor: Int32
    /// What errors name: the path, `standard output` or `standard error`.
    public let name: String
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var isClosed = false

    /// Wraps a descriptor the caller keeps owning.
    ///
    /// - Parameters:
    ///   - fileDescriptor: An open descriptor, e.g. `STDOUT_FILENO`.
    ///   - name: How errors refer to it.
    public init(fileDescriptor: Int32, name: String) {
        self.fileDescriptor = fileDescriptor
        self.name = name
        self.ownsDescriptor = false
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Creates (or truncates) the file at `path` with mode `mode` and writes to it.
    ///
    /// - Parameters:
    ///   - path: The file to write.
    ///   - mode: Permission bits for a new file, before the umask.
    /// - Throws: ``ReportingError/cannotOpen(path:errno:)``.
    public init(creatingFileAt path: String, mode: mode_t = 0o644) throws(ReportingError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        self.fileDescriptor = fd
        self.name = path
        self.ownsDescriptor = true
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// A writer for standard output.
    public static func standardOutput() -> FileDescriptorWriter {
        FileDescriptorWriter(fileDescriptor: STDOUT_FILENO, name: "standard output")
    }

    /// A writer for standard error.
    public static func standardError() -> FileDescriptorWriter {
        FileDescriptorWriter(fileDescriptor: STDERR_FILENO, name: "standard error")
    }

    deinit {
        if ownsDescriptor && !isClosed { _ = systemClose(fileDescriptor) }
    }

    /// Buffers `bytes`, writing the buffer out when it is full.
    ///
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``.
    public func write(_ bytes: some Collection<UInt8>) throws(ReportingError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Buffers the UTF-8 bytes of `text`.
    ///
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``.
    public func write(_ text: String) throws(ReportingError) {
        try write(text.utf8)
    }

    /// Writes out everything buffered.
    ///
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``.
    public func flush() throws(ReportingError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try Self.writeAll(buffer, to: fileDescriptor, name: name)
    }

    /// Flushes, then (for a file this writer opened) `fsync`s and closes it.
    ///
    /// - Parameter sync: Whether to `fsync` before closing, so the data is on disk.
    /// - Throws: ``ReportingError/writeFailed(target:errno:)``.
    public func close(sync: Bool = false) throws(ReportingError) {
        guard !isClosed else { return }
        try flush()
        guard ownsDescriptor else { return }
        isClosed = true
        if sync && fsync(fileDescriptor) != 0 {
            let code = errno
            _ = systemClose(fileDescriptor)
            throw .writeFailed(target: name, errno: code)
        }
        if systemClose(fileDescriptor) != 0 { throw .writeFailed(target: name, errno: errno) }
    }

    /// Writes every byte of `bytes` to `fd`, retrying on `EINTR` and short writes.
    static func writeAll(_ bytes: [UInt8], to fd: Int32, name: String) throws(ReportingError) {
        let failure: Int32? = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .writeFailed(target: name, errno: failure) }
    }
}

// The class has `write` and `close` methods of its own, so the C functions get plain aliases.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}
