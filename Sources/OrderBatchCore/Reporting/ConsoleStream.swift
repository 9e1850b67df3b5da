import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output or standard error, written so that output can never stop the process.
///
/// Every message goes out with `write(2)` at once (retried on `EINTR` and short writes). The first
/// write that fails (`EPIPE` when the reader of a pipe went away, `ENOSPC` on a full log disk, `EBADF`
/// for a closed descriptor, `EIO` after a terminal hangup, or any other error) marks the stream
/// *lost*: it is never written to again, and ``failure`` keeps the `errno`. `EAGAIN` (a non-blocking
/// descriptor whose reader is slow) drops that one message and keeps the stream. Nothing traps, nothing
/// throws: a run's outcome lives in its state database, not in its output. Commands whose output *is*
/// the product (`report`, `validate`, `run --dry-run`) check ``failure`` and exit 1.
///
/// The process must ignore `SIGPIPE` (the commands do at start), or a write to a closed pipe kills it
/// before `EPIPE` is seen.
///
/// ```swift
/// ConsoleStream.standardError.write("orderbatch: run r1: 2000 rows recorded\n")
/// if ConsoleStream.standardOutput.failure != nil { /* the report is incomplete */ }
/// ```
///
/// Safe to call from any thread: writes are serialised, so lines never interleave.
public final class ConsoleStream: @unchecked Sendable {
    // @unchecked: `lost` is only touched under `lock`.

    /// The process's standard output.
    public static let standardOutput = ConsoleStream(fileDescriptor: STDOUT_FILENO, name: "standard output")
    /// The process's standard error.
    public static let standardError = ConsoleStream(fileDescriptor: STDERR_FILENO, name: "standard error")

    /// The descriptor written to.
    public let fileDescriptor: Int32
    /// How messages name it: `standard output`, `standard error`.
    public let name: String
    /// The `errno` that lost the stream; nil while it works.
    private let lost = Locked<Int32?>(nil)

    /// A stream on `fileDescriptor`, which the caller keeps open and owns.
    ///
    /// - Parameters:
    ///   - fileDescriptor: An open descriptor.
    ///   - name: How messages name it.
    public init(fileDescriptor: Int32, name: String) {
        self.fileDescriptor = fileDescriptor
        self.name = name
    }

    /// The stream for `fileDescriptor`: the shared ``standardOutput`` or ``standardError`` for 1 and 2 (so
    /// that every writer of the process sees one loss), else a new one.
    public static func on(_ fileDescriptor: Int32) -> ConsoleStream {
        switch fileDescriptor {
        case STDOUT_FILENO: return standardOutput
        case STDERR_FILENO: return standardError
        default: return ConsoleStream(fileDescriptor: fileDescriptor, name: "descriptor \(fileDescriptor)")
        }
    }

    /// The `errno` of the write that lost the stream, or `nil` while it works.
    public var failure: Int32? { lost.withLock { $0 } }

    /// Writes the UTF-8 bytes of `text`, unless the stream is lost.
    ///
    /// - Returns: `false` when the stream is (now) lost and the text was not (wholly) written.
    @discardableResult
    public func write(_ text: String) -> Bool {
        lost.withLock { lost in
            guard lost == nil else { return false }
            lost = Self.writeAll(Array(text.utf8), to: fileDescriptor)
            return lost == nil
        }
    }

    /// Writes every byte, retrying on `EINTR` and short writes; returns the `errno` that loses the stream.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = rawWrite(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EAGAIN || code == EWOULDBLOCK { return nil }
                    return code
                }
                offset += written
            }
            return nil
        }
    }
}

/// `write(2)`, named apart from ``ConsoleStream/write(_:)``.
private func rawWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
