private import CCSV

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One libcsv parser (`struct csv_parser`), owned: `csv_init` in `init`, `csv_free` in `deinit`.
///
/// This is the only file that imports `CCSV`; the C types stay here. Callbacks are plain
/// `@convention(c)` functions receiving an opaque `userData`; they must not throw (see
/// STYLE.md guideline 8): a receiver records problems and the caller acts on them after
/// ``parse(_:userData:onField:onRow:)`` returns.
///
/// Options: `CSV_STRICT | CSV_STRICT_FINI`.
/// - `CSV_STRICT`: a quote inside an unquoted field (`a"b`) or anything but a delimiter
///   or line end after a closing quote (`"a"b`) stops the parse: `csv_parse` returns fewer
///   bytes than it was given and ``lastError`` is ``Failure/parse``.
/// - `CSV_STRICT_FINI`: ``finish(userData:onField:onRow:)`` fails when the last field is
///   a quoted field that was never closed.
/// - No `CSV_REPALL_NL`: empty lines produce no row (libcsv's default).
/// - No `CSV_APPEND_NULL`: fields are passed as pointer + length (they may contain NUL).
///
/// libcsv trims spaces and tabs around unquoted fields and between a closing quote and the
/// delimiter by default. RFC 4180 says spaces are part of a field, so a space function that
/// matches nothing is installed: `a, b` yields `" b"`, and `"a" ,b` is a strict error.
/// libcsv calls that function for nearly every byte, so it is only installed while a piece
/// of input holding a space or a tab is parsed: on other input libcsv's built-in test (space
/// or tab) matches nothing either, and the parse is the same without a call per byte.
///
/// Related libcsv documentation: `/usr/include/csv.h`, <https://github.com/rgamble/libcsv>.
final class CSVParser {
    /// A C field callback: field bytes (nil when empty), their count, `userData`.
    typealias FieldCallback = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void
    /// A C row callback: the terminating character (`-1` at end of file), `userData`.
    typealias RowCallback = @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void

    /// Why libcsv stopped.
    enum Failure: Error, Equatable {
        /// Strict-mode parse error (malformed quoting).
        case parse
        /// libcsv could not grow its field buffer.
        case outOfMemory
        /// Another libcsv status code.
        case other(Int32, String)
    }

    private let parser: UnsafeMutablePointer<csv_parser>
    /// Whether ``keepSpaces`` is installed as libcsv's space function.
    private var keepsSpaces = false
    /// A space function that matches nothing, so that libcsv trims nothing.
    private static let keepSpaces: @convention(c) (UInt8) -> Int32 = { _ in 0 }

    private static let options = UInt8(CSV_STRICT | CSV_STRICT_FINI)

    /// Creates a strict parser.
    ///
    /// - Throws: ``Failure`` when `csv_init` fails (it allocates nothing and only fails on
    ///   a null parser, so this does not happen in practice).
    init() throws(Failure) {
        parser = .allocate(capacity: 1)
        guard csv_init(parser, CSVParser.options) == 0 else {
            parser.deallocate()
            throw .other(CSV_EINVALID, "csv_init failed")
        }
        configure()
    }

    private func configure() {
        csv_set_space_func(parser, CSVParser.keepSpaces)
        keepsSpaces = true
        // Grow the field buffer 4 KiB at a time instead of libcsv's default 128 bytes.
        csv_set_blk_size(parser, 4096)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    /// Feeds `bytes` to the parser, calling back once per completed field and row.
    ///
    /// - Returns: The number of bytes consumed; fewer than `bytes.count` means the parse
    ///   stopped at `bytes[returned]` and ``lastError`` says why.
    func parse(
        _ bytes: UnsafeRawBufferPointer, userData: UnsafeMutableRawPointer,
        onField: FieldCallback, onRow: RowCallback
    ) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        let hasSpace = memchr(base, 0x20, bytes.count) != nil || memchr(base, 0x09, bytes.count) != nil
        if hasSpace != keepsSpaces {
            csv_set_space_func(parser, hasSpace ? CSVParser.keepSpaces : nil)
            keepsSpaces = hasSpace
        }
        return csv_parse(parser, base, bytes.count, onField, onRow, userData)
    }

    /// Ends the input: submits a last field and row when the file does not end with a line
    /// break, and resets the parser.
    ///
    /// - Returns: `false` when the last field is an unclosed quoted field.
    func finish(userData: UnsafeMutableRawPointer, onField: FieldCallback, onRow: RowCallback) -> Bool {
        csv_fini(parser, onField, onRow, userData) == 0
    }

    /// Why the last ``parse(_:userData:onField:onRow:)`` stopped early.
    var lastError: Failure {
        let code = csv_error(parser)
        switch code {
        case CSV_EPARSE: return .parse
        case CSV_ENOMEM, CSV_ETOOBIG: return .outOfMemory
        default:
            let text = csv_strerror(code).map { String(cString: $0) } ?? "unknown libcsv error"
            return .other(code, text)
        }
    }

    // MARK: - Parser state
    //
    // libcsv has no function for these; the shim's accessors (`CCSV/shim.h`) are the only code that
    // reads or writes `struct csv_parser`'s fields, and say why. The reader needs them to number
    // records by the physical line they start on and to cap field sizes.

    /// Whether the parser is inside a row: it has consumed bytes of a row not yet submitted.
    var isInsideRow: Bool { ccsv_is_inside_row(parser) != 0 }

    /// Whether the field being read began with a quote.
    var isInsideQuotedField: Bool { ccsv_is_inside_quoted_field(parser) != 0 }

    /// How many bytes of the current, unfinished field libcsv is holding.
    var bufferedFieldBytes: Int { ccsv_buffered_field_bytes(parser) }

    /// Drops the bytes buffered for the current field, when that is safe.
    ///
    /// Used once a field is known to be too long: its content will be discarded, and this
    /// keeps libcsv from holding more of it (see `ccsv_discard_buffered_field` for why this is the
    /// one write to libcsv's state and when it does nothing).
    func discardBufferedField() {
        ccsv_discard_buffered_field(parser)
    }

    /// Returns the parser to its initial state after a strict error.
    func reset() {
        csv_free(parser)
        _ = csv_init(parser, CSVParser.options)  // only fails for a null parser
        configure()
    }
}

@available(*, unavailable) extension CSVParser: Sendable {}
