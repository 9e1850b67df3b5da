#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the records of a JSON Lines file: one JSON object per line, UTF-8.
///
/// ```swift
/// try JSONLReader(path: "orders.jsonl").forEachRecord { result in
///     if case let .record(record) = result { print(record.columns) }  // the object's keys, in order
/// }
/// ```
///
/// The file is read in chunks of `chunkSize` bytes; a line is copied only when it crosses
/// a chunk boundary, and never beyond `maxLineBytes`, so memory stays bounded whatever
/// the file's size.
///
/// - A record's `columns` are the object's keys in file order; its values are `.json`.
/// - Lines may end in LF or CRLF; a UTF-8 byte-order mark on line 1 is skipped; empty lines
///   and lines of only spaces and tabs are skipped.
/// - A line that is not valid JSON (see ``JSONValue/parse(bytes:maxDepth:)``, e.g. a
///   duplicate key), is not an object, or is longer than `maxLineBytes` is yielded as
///   ``RecordResult/malformed(_:)`` naming the line (and the character column for JSON
///   errors), and reading goes on with the next line.
/// - Fatal problems throw ``InputError``: no file, an empty file, an I/O error.
public struct JSONLReader: RecordSource {
    /// The default cap on one line's size: 1 MiB.
    public static let defaultMaxLineBytes = 1 << 20

    /// The file to read.
    public let path: String
    /// The longest line accepted, in bytes (without its line break).
    public let maxLineBytes: Int
    /// How many bytes are read from the file at a time.
    public let chunkSize: Int

    /// Creates a reader for the JSON Lines file at `path`; nothing is opened until
    /// ``forEachRecord(_:)``.
    ///
    /// - Parameters:
    ///   - path: The JSONL file.
    ///   - maxLineBytes: The longest line accepted, in bytes.
    ///   - chunkSize: How many bytes to read at a time.
    public init(
        path: String, maxLineBytes: Int = defaultMaxLineBytes, chunkSize: Int = CSVReader.defaultChunkSize
    ) {
        self.path = path
        self.maxLineBytes = max(1, maxLineBytes)
        self.chunkSize = max(16, chunkSize)
    }

    /// Reads the file from the start, calling `body` once per line that is not blank.
    ///
    /// - Parameter body: Called in file order; an error it throws ends the read and is rethrown.
    /// - Throws: ``InputError`` for fatal problems, or what `body` throws.
    public func forEachRecord(_ body: (RecordResult) throws -> Void) throws {
        let file = try InputFile(path: path, chunkSize: chunkSize)
        var line = 1
        var carry: [UInt8] = []  // the start of a line that continues in the next chunk
        var overlong = false  // the current line passed maxLineBytes; skipping to its end
        var sawBytes = false
        while true {
            let chunk = try file.readChunk(line: line)
            guard let base = chunk.baseAddress, !chunk.isEmpty else { break }
            sawBytes = true
            var start = 0
            while start < chunk.count {
                guard let newline = memchr(base + start, 0x0A, chunk.count - start) else {
                    // The line goes on in the next chunk: keep what fits, or remember it is too long.
                    let rest = UnsafeRawBufferPointer(rebasing: chunk[start...])
                    if !overlong, carry.count + rest.count > maxLineBytes {
                        overlong = true
                        carry = []
                    } else if !overlong {
                        carry.append(contentsOf: rest)
                    }
                    break
                }
                let end = base.distance(to: UnsafeRawPointer(newline))
                let piece = UnsafeRawBufferPointer(rebasing: chunk[start..<end])
                if overlong || carry.count + piece.count > maxLineBytes {
                    try body(.malformed(tooLong(line)))
                } else if carry.isEmpty {
                    try handleLine(piece, line: line, body)
                } else {
                    carry.append(contentsOf: piece)
                    try carry.withUnsafeBytes { bytes in try handleLine(bytes, line: line, body) }
                }
                overlong = false
                carry.removeAll(keepingCapacity: carry.count <= 64 << 10)
                line += 1
                start = end + 1
            }
        }
        guard sawBytes else { throw InputError.emptyFile(path: path) }
        if overlong {
            try body(.malformed(tooLong(line)))
        } else if !carry.isEmpty {
            try carry.withUnsafeBytes { bytes in try handleLine(bytes, line: line, body) }
        }
    }

    private func tooLong(_ line: Int) -> InputIssue {
        InputIssue(line: line, message: "line is longer than the limit of \(maxLineBytes) bytes")
    }

    /// Parses one line (without its LF) and yields its record or problem.
    private func handleLine(
        _ raw: UnsafeRawBufferPointer, line: Int, _ body: (RecordResult) throws -> Void
    ) throws {
        var bytes = raw
        if bytes.last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        if line == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes: bytes)
        } catch {
            try body(
                .malformed(InputIssue(line: line, message: "invalid JSON at column \(error.column): \(error.message)")))
            return
        }
        guard case let .object(members) = value else {
            try body(.malformed(InputIssue(line: line, message: "expected a JSON object, found \(value.typeName)")))
            return
        }
        try body(.record(InputRecord(line: line, columns: members.map(\.key), values: members.map { .json($0.value) })))
    }
}
