#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An input file opened for streaming reads, and a reusable buffer to read it into.
///
/// Owns the file descriptor (closed in `deinit`) and one chunk buffer (freed in `deinit`),
/// so a reader holds at most one chunk of the file at a time. Reads go straight to
/// `read(2)`, with no Foundation in the loop.
final class InputFile {
    /// The path, as given, for messages.
    let path: String
    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer

    /// Opens `path` for reading.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - chunkSize: The most bytes one ``readChunk()`` returns.
    /// - Throws: ``InputError`` when there is no such file, it is a directory, or it
    ///   cannot be opened.
    init(path: String, chunkSize: Int) throws(InputError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
            throw .unreadable(path: path, reason: InputFile.describe(errno: code))
        }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw .isDirectory(path: path)
        }
        self.fd = fd
        self.buffer = .allocate(byteCount: max(chunkSize, 16), alignment: 16)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Reads the next chunk of the file into the shared buffer.
    ///
    /// - Parameter line: The line being read, for the error message.
    /// - Returns: The bytes read, valid until the next call; empty at the end of the file.
    /// - Throws: ``InputError/Kind/ioError`` when `read(2)` fails.
    func readChunk(line: Int?) throws(InputError) -> UnsafeRawBufferPointer {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return UnsafeRawBufferPointer(rebasing: buffer[0..<n]) }
            let code = errno
            if code == EINTR { continue }
            throw .ioError(path: path, line: line, reason: InputFile.describe(errno: code))
        }
    }

    private static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

@available(*, unavailable) extension InputFile: Sendable {}
