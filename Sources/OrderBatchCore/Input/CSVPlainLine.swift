#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A physical line with no quote and no carriage return (but one right before its line
/// feed, or a lone one ending it), read without libcsv: such a line's fields are exactly the bytes between its commas.
///
/// Most lines of a real input file are like that, and handing them to libcsv costs a call per
/// byte (its space function) and a copy of every byte into its field buffer. ``CSVReader``
/// splits them itself when libcsv is between rows, and feeds every other line to libcsv.
///
/// The result is what libcsv gives for the same line, set up as ``CSVParser`` sets it up
/// (strict, no trimming, comma and double quote) and in its `ROW_NOT_BEGUN` state: with no
/// quote on the line, libcsv only ever meets commas (end of field), the line break (end of
/// field and row) and other bytes (field content). An empty line gives no row, as in libcsv;
/// a line holding only a comma gives two empty fields. The reader's tests run every case
/// both ways and compare.
enum CSVPlainLine {
    /// The line's content without its line break, or nil when libcsv must read the line.
    ///
    /// - Parameter line: One physical line, ending in a line feed or a lone carriage return.
    /// - Returns: nil when the line holds a double quote, or a carriage return other than
    ///   the one ending it or right before the line feed (libcsv ends a row there).
    static func content(of line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let base = line.baseAddress, let last = line.last, last == 0x0A || last == 0x0D else { return nil }
        var count = line.count - 1
        if last == 0x0A, count > 0, line[count - 1] == 0x0D { count -= 1 }
        guard count > 0 else { return UnsafeRawBufferPointer(start: base, count: 0) }
        if memchr(base, 0x22, count) != nil || memchr(base, 0x0D, count) != nil { return nil }
        return UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Calls `body` with each field of `content` (from ``content(of:)``), in order; nothing
    /// for empty content.
    @inline(__always)
    static func forEachField(in content: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard var start = content.baseAddress, !content.isEmpty else { return }
        let end = start + content.count
        while true {
            guard let comma = memchr(start, 0x2C, start.distance(to: end)) else {
                body(UnsafeRawBufferPointer(start: start, count: start.distance(to: end)))
                return
            }
            let fieldEnd = UnsafeRawPointer(comma)
            body(UnsafeRawBufferPointer(start: start, count: start.distance(to: fieldEnd)))
            start = fieldEnd + 1
        }
    }
}
