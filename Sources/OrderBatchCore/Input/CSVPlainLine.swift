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

    /// Splits `content` (from ``content(of:)``) into exactly `fields.count` fields, for lending to
    /// a ``CSVRowTaker``: true only when the record built from the same line would hold exactly
    /// these bytes as its cells. That is: only ASCII bytes and no NUL (which
    /// ``CSVRecordAssembler`` refuses, and which need no UTF-8 check), as many fields as
    /// `fields` has room for (the header's width), none longer than `maxFieldBytes`, and not a
    /// single blank field (a line of spaces and tabs, which is skipped).
    ///
    /// - Returns: False when the line must be read as a record; `fields` is then partly written.
    @inline(__always)
    static func split(
        _ content: UnsafeRawBufferPointer, into fields: UnsafeMutableBufferPointer<UnsafeRawBufferPointer>,
        maxFieldBytes: Int
    ) -> Bool {
        guard var start = content.baseAddress, !content.isEmpty, !fields.isEmpty else { return false }
        // One branch-free pass (vectorised): any byte ≥ 0x80, any NUL.
        var union: UInt8 = 0
        var lowest: UInt8 = 0xFF
        for b in content {
            union |= b
            lowest = min(lowest, b)
        }
        guard union < 0x80, lowest != 0 else { return false }
        let end = start + content.count
        var n = 0
        while true {
            let fieldEnd = memchr(start, 0x2C, start.distance(to: end)).map { UnsafeRawPointer($0) } ?? end
            let count = start.distance(to: fieldEnd)
            guard n < fields.count, count <= maxFieldBytes else { return false }
            fields[n] = UnsafeRawBufferPointer(start: start, count: count)
            n += 1
            if fieldEnd == end { break }
            start = fieldEnd + 1
        }
        guard n == fields.count else { return false }
        if n == 1, fields[0].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return false }
        return true
    }
}
