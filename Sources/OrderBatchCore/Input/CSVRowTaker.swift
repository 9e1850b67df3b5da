/// Takes CSV rows as their fields' bytes, lent from the reader's buffer, so that a row it accepts
/// costs no ``InputRecord`` and no `String` (issue #12: `orderbatch validate` of a valid row keeps
/// nothing but its duplicate-index entry).
///
/// ``CSVReader/forEachRecord(lendingTo:_:)`` offers a row only when it is certain that the row
/// would be read as a ``RecordResult/record(_:)`` whose cells are exactly the lent bytes: a whole
/// line with no quote (``CSVPlainLine``), only ASCII bytes and no NUL (so every cell is valid
/// UTF-8), as many fields as the header, none over the field cap, not blank. Every other row, and
/// every row ``take(_:line:)`` declines, reaches the body as a record or a malformed record, as
/// it would without a taker.
public protocol CSVRowTaker: AnyObject {
    /// Called once the header is read, before any row under it is offered.
    ///
    /// - Parameter columns: The header.
    /// - Returns: False to be offered no row of this file.
    func lendsRows(under columns: [String]) -> Bool

    /// Offers one row.
    ///
    /// - Parameters:
    ///   - fields: One slice per column, in the header's order; valid only during the call.
    ///   - line: The physical line of the row (1-based).
    /// - Returns: True when the row is taken: nothing else is delivered for it. False to get
    ///   the row as a record instead.
    /// - Throws: An error that ends the read, rethrown by the reader.
    func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool
}
