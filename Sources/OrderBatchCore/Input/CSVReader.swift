#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the records of a CSV file (RFC 4180, UTF-8) through libcsv.
///
/// ```swift
/// try CSVReader(path: "orders.csv").forEachRecord { result in
///     switch result {
///     case let .record(record): print(record.line, record.value("order_id") ?? .text(""))
///     case let .malformed(issue): print(issue)  // "line 7: expected 3 fields as in the header, found 4"
///     }
/// }
/// ```
///
/// The file is read in chunks of `chunkSize` bytes and fed to libcsv line by line, so
/// memory stays bounded by one chunk plus one field (at most `maxFieldBytes`) whatever
/// the file's size. A line with no quote is split on its commas without libcsv
/// (``CSVPlainLine``), with the same result, because that is several times cheaper.
///
/// - The first non-blank row is the header; every column needs a distinct, non-empty name.
/// - Quoted fields may hold delimiters, doubled quotes and line breaks. Lines may end in
///   LF, CRLF or a lone CR (each counts as one line end). A UTF-8 byte-order mark at the start is skipped. Spaces are kept: `a, b`
///   has the fields `a` and ` b` (RFC 4180).
/// - Empty lines and lines of only spaces and tabs are skipped.
/// - Every record carries the physical line it starts on, counting the line breaks inside
///   quoted fields of earlier records.
/// - Record-level problems are yielded as ``RecordResult/malformed(_:)`` and reading goes
///   on: a field count other than the header's, a NUL byte, invalid UTF-8, a field longer
///   than `maxFieldBytes`, and a stray quote (`a"b`, `"a"b`) when the rest of its line
///   holds no quote, so the next line is certainly a new record.
/// - Fatal problems throw ``InputError``: no file, an empty file, no or a bad header, a
///   stray quote with more quotes after it on its line, a quoted field open at end of file.
public struct CSVReader: RecordSource {
    /// The default cap on one field's size: 1 MiB.
    public static let defaultMaxFieldBytes = 1 << 20
    /// The default read size: 256 KiB.
    public static let defaultChunkSize = 256 << 10

    /// The file to read.
    public let path: String
    /// The largest field accepted, in bytes; longer fields make their record malformed.
    public let maxFieldBytes: Int
    /// How many bytes are read from the file at a time.
    public let chunkSize: Int
    /// Whether lines with no quote are split without libcsv (``CSVPlainLine``); tests turn
    /// it off to check that both ways give the same results.
    var splitsPlainLines = true

    /// Creates a reader for the CSV file at `path`; nothing is opened until
    /// ``forEachRecord(_:)``.
    ///
    /// - Parameters:
    ///   - path: The CSV file.
    ///   - maxFieldBytes: The largest field accepted, in bytes.
    ///   - chunkSize: How many bytes to read at a time.
    public init(path: String, maxFieldBytes: Int = defaultMaxFieldBytes, chunkSize: Int = defaultChunkSize) {
        self.path = path
        self.maxFieldBytes = max(1, maxFieldBytes)
        self.chunkSize = max(16, chunkSize)
    }

    /// Reads the file from the start, calling `body` once per record or malformed record.
    ///
    /// - Parameter body: Called in file order; an error it throws ends the read and is rethrown.
    /// - Throws: ``InputError`` for fatal problems (see the type's documentation), or what
    ///   `body` throws.
    public func forEachRecord(_ body: (RecordResult) throws -> Void) throws {
        try forEachRecord(lendingTo: nil, body)
    }

    /// Reads the file like ``forEachRecord(_:)``, first offering each row that qualifies (a
    /// whole line with no quote, ASCII, as wide as the header; see ``CSVRowTaker``) to `taker`
    /// as its fields' bytes. A row `taker` takes is not delivered to `body`; every other row is,
    /// exactly as ``forEachRecord(_:)`` delivers it.
    public func forEachRecord(lendingTo taker: (any CSVRowTaker)?, _ body: (RecordResult) throws -> Void) throws {
        let file = try InputFile(path: path, chunkSize: chunkSize)
        let parser: CSVParser
        do {
            parser = try CSVParser()
        } catch {
            throw InputError.ioError(path: path, line: nil, reason: "libcsv could not start: \(error)")
        }
        let feed = CSVFeed(
            path: path, maxFieldBytes: maxFieldBytes, parser: parser, splitsPlainLines: splitsPlainLines, taker: taker)
        try feed.run(file: file, body: body)
    }
}

/// The read loop: splits chunks into physical lines, splits plain ones itself and feeds the
/// others to libcsv, numbers lines, caps fields and recovers from stray quotes.
///
/// Owns the ``CSVRecordAssembler`` the libcsv callbacks write to, at a stable address
/// (allocated in `init`, freed in `deinit`) passed to libcsv as `userData`.
private final class CSVFeed {
    /// The most bytes fed to libcsv at once, so an overlong field is noticed (and dropped)
    /// before libcsv has buffered much more than `maxFieldBytes` of it.
    private static let maxPiece = 64 << 10

    let path: String
    let maxFieldBytes: Int
    let parser: CSVParser
    let splitsPlainLines: Bool
    /// The callbacks' receiver; accessed through the pointer so that neither libcsv's
    /// callbacks nor this loop pay for exclusivity checks.
    private let state: UnsafeMutablePointer<CSVRecordAssembler>
    /// A stray-quote problem whose line is being skipped; reported when the line ends.
    private var resync: (issue: InputIssue, problem: String)?
    /// The last chunk ended in a carriage return: a line end unless the next chunk starts with a line feed.
    private var pendingCarriageReturn = false
    /// Where plain lines are offered first (``CSVRowTaker``), once ``lending``. A constant: a
    /// variable was copied (a retain and a release) for every line.
    private let taker: (any CSVRowTaker)?
    /// The taker has taken the header: plain lines are offered to it.
    private var lending = false
    /// The taker has been offered the header.
    private var headerOffered: Bool
    /// One slice per column of the row being lent; allocated once the header is known.
    private var lentFields = UnsafeMutableBufferPointer<UnsafeRawBufferPointer>(start: nil, count: 0)

    init(path: String, maxFieldBytes: Int, parser: CSVParser, splitsPlainLines: Bool, taker: (any CSVRowTaker)?) {
        self.path = path
        self.maxFieldBytes = maxFieldBytes
        self.parser = parser
        self.splitsPlainLines = splitsPlainLines
        self.taker = taker
        headerOffered = taker == nil
        state = .allocate(capacity: 1)
        state.initialize(to: CSVRecordAssembler(path: path, maxFieldBytes: maxFieldBytes))
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        lentFields.deallocate()
    }

    private var assembler: CSVRecordAssembler {
        _read { yield state.pointee }
        _modify { yield &state.pointee }
    }

    func run(file: InputFile, body: (RecordResult) throws -> Void) throws {
        var isFirstChunk = true
        var sawContent = false
        while true {
            var chunk = try file.readChunk(line: assembler.currentLine)
            if chunk.isEmpty { break }
            if isFirstChunk {
                isFirstChunk = false
                if chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
                    chunk = UnsafeRawBufferPointer(rebasing: chunk[3...])
                }
            }
            sawContent = sawContent || !chunk.isEmpty
            try feedChunk(chunk, body: body)
        }
        guard sawContent else { throw InputError.emptyFile(path: path) }
        if let (issue, _) = resync {
            resync = nil
            try body(.malformed(issue))
        } else {
            let userData = UnsafeMutableRawPointer(state)
            let closed = parser.finish(
                userData: userData, onField: CSVRecordAssembler.onField, onRow: CSVRecordAssembler.onRow)
            guard closed else {
                throw InputError.unterminatedQuote(
                    path: path, line: assembler.recordLine,
                    column: quoted(assembler.columnName(assembler.fieldCount)))
            }
            try deliver(body)
        }
        guard assembler.columns != nil else { throw InputError.missingHeader(path: path) }
    }

    /// Feeds one chunk, one physical line (or a piece of a long line) at a time.
    private func feedChunk(_ chunk: UnsafeRawBufferPointer, body: (RecordResult) throws -> Void) throws {
        guard let base = chunk.baseAddress else { return }
        let userData = UnsafeMutableRawPointer(state)
        var start = 0
        if pendingCarriageReturn {
            pendingCarriageReturn = false
            if chunk[0] != 0x0A { try endLine(body) }
        }
        lines: while start < chunk.count {
            if resync != nil {
                start = try skipRestOfLine(chunk, from: start, body: body)
                continue
            }
            let (lineEnd, newline) = Self.lineEnd(in: chunk, from: start)
            // A whole line with no quote, between rows: split here, not by libcsv. Lines longer
            // than a piece go to libcsv, which caps their fields as they are read.
            if splitsPlainLines, newline, lineEnd - start <= CSVFeed.maxPiece, !parser.isInsideRow,
                let content = CSVPlainLine.content(of: UnsafeRawBufferPointer(rebasing: chunk[start..<lineEnd]))
            {
                if lending, CSVPlainLine.split(content, into: lentFields, maxFieldBytes: maxFieldBytes),
                    try taker.unsafelyUnwrapped.take(UnsafeBufferPointer(lentFields), line: assembler.currentLine)
                {
                    assembler.currentLine += 1
                    start = lineEnd
                    continue
                }
                assembler.acceptPlainLine(content)
                try deliver(body)
                assembler.currentLine += 1
                start = lineEnd
                continue
            }
            var pieceStart = start
            while pieceStart < lineEnd {
                let pieceEnd = min(lineEnd, pieceStart + CSVFeed.maxPiece)
                let piece = UnsafeRawBufferPointer(rebasing: chunk[pieceStart..<pieceEnd])
                let consumed = parser.parse(
                    piece, userData: userData, onField: CSVRecordAssembler.onField, onRow: CSVRecordAssembler.onRow)
                try deliver(body)
                if consumed < piece.count {
                    try stoppedEarly(at: piece[consumed])
                    start = pieceStart + consumed + 1
                    continue lines
                }
                // A row still open after this piece started on this line (or earlier).
                if assembler.rowStartLine == nil, parser.isInsideRow { assembler.rowStartLine = assembler.currentLine }
                // `+ 1`: after a closing quote libcsv still holds the quote; a field of exactly
                // `maxFieldBytes` must pass. A longer one is caught when it completes.
                if parser.bufferedFieldBytes > maxFieldBytes + 1 {
                    assembler.fieldTooLong = true
                    parser.discardBufferedField()
                }
                pieceStart = pieceEnd
            }
            if newline {
                assembler.currentLine += 1
            } else if chunk[lineEnd - 1] == 0x0D {
                pendingCarriageReturn = true
            }
            start = lineEnd
        }
    }

    /// Where the physical line starting at `start` ends (just past its line break), and whether it
    /// ends there (false: it goes on in the next chunk). A line ends at a line feed (LF, or CRLF) or
    /// at a lone carriage return, which libcsv ends a row at too (old Mac files): line numbers then
    /// count the lines an editor shows. A carriage return that ends the chunk is decided by the
    /// next chunk's first byte (``pendingCarriageReturn``).
    @inline(__always)
    private static func lineEnd(in chunk: UnsafeRawBufferPointer, from start: Int) -> (end: Int, newline: Bool) {
        guard let base = chunk.baseAddress else { return (chunk.count, false) }
        let feed = memchr(base + start, 0x0A, chunk.count - start).map { base.distance(to: UnsafeRawPointer($0)) }
        let searchEnd = feed ?? chunk.count
        // The first carriage return before the line feed: lone unless the line feed follows it (CRLF).
        if let cr = memchr(base + start, 0x0D, searchEnd - start).map({ base.distance(to: UnsafeRawPointer($0)) }),
            cr + 1 != feed
        {
            return cr + 1 < chunk.count ? (cr + 1, true) : (chunk.count, false)
        }
        return feed.map { ($0 + 1, true) } ?? (chunk.count, false)
    }

    /// Ends the current physical line outside ``feedChunk(_:body:)``'s loop (a carriage return that
    /// ended the previous chunk), reporting a stray-quote problem whose line was being skipped.
    private func endLine(_ body: (RecordResult) throws -> Void) throws {
        assembler.currentLine += 1
        if let (issue, _) = resync {
            resync = nil
            try body(.malformed(issue))
        }
    }

    /// Hands queued results to `body`, and throws a fatal problem found by a callback.
    @inline(__always)
    private func deliver(_ body: (RecordResult) throws -> Void) throws {
        if !assembler.pending.isEmpty { try assembler.deliverPending(body) }
        if let fatal = assembler.fatal { throw fatal }
        if !headerOffered, let columns = assembler.columns { offerHeader(columns) }
    }

    /// Asks the taker whether it wants the rows under `columns`, and makes room for their fields.
    private func offerHeader(_ columns: [String]) {
        headerOffered = true
        guard let taker, taker.lendsRows(under: columns) else { return }
        lending = true
        lentFields = .allocate(capacity: columns.count)
        lentFields.initialize(repeating: UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// Handles libcsv stopping at `byte`: a strict quoting error starts a resync to the end
    /// of the line; anything else is fatal.
    private func stoppedEarly(at byte: UInt8) throws {
        let failure = parser.lastError
        guard failure == .parse else {
            throw InputError.ioError(
                path: path, line: assembler.currentLine, reason: "libcsv failed: \(failure); the field may be too large"
            )
        }
        var problem =
            parser.isInsideQuotedField
            ? "unexpected \(describe(byte)) after the closing quote of a quoted field"
            : "a quote (\") inside an unquoted field"
        if assembler.recordLine != assembler.currentLine { problem += " on line \(assembler.currentLine)" }
        let column = assembler.columnName(assembler.fieldCount)
        guard assembler.columns != nil else {
            throw InputError.invalidHeader(path: path, line: assembler.recordLine, problem: problem)
        }
        let issue = InputIssue(
            line: assembler.recordLine, column: column,
            message: problem + #"; quote the whole field and double the quotes inside it ("5"" screen")"#)
        parser.reset()
        assembler.abandonRow()
        resync = (issue, "column \(quoted(column)): \(problem)")
    }

    /// Skips to the end of the line after a stray quote. If the rest of the line holds no
    /// quote, the next line certainly starts a record: the issue is reported and reading
    /// goes on. Another quote means quoting is skewed and later lines can't be trusted.
    ///
    /// - Returns: Where to continue in `chunk`.
    private func skipRestOfLine(
        _ chunk: UnsafeRawBufferPointer, from start: Int, body: (RecordResult) throws -> Void
    ) throws -> Int {
        guard let (issue, problem) = resync else { return start }
        for i in start..<chunk.count {
            switch chunk[i] {
            case UInt8(ascii: "\""):
                throw InputError.malformedQuoting(path: path, line: issue.line, problem: problem)
            case 0x0A:
                resync = nil
                assembler.currentLine += 1
                try body(.malformed(issue))
                return i + 1
            case 0x0D where i + 1 == chunk.count:
                pendingCarriageReturn = true  // the next chunk says whether the line ends here
            case 0x0D where chunk[i + 1] != 0x0A:  // a lone carriage return ends the line too
                resync = nil
                assembler.currentLine += 1
                try body(.malformed(issue))
                return i + 1
            default: continue
            }
        }
        return chunk.count
    }

    private func quoted(_ name: String) -> String { "\"\(name)\"" }

    private func describe(_ byte: UInt8) -> String {
        if (0x21..<0x7F).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}
