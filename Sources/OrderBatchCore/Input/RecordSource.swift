/// A streaming source of records. The file is never held in memory whole.
public protocol RecordSource {
    /// Reads the file from the start, calling `body` once per record in file order.
    ///
    /// - Throws: ``InputError`` when the file cannot be read on (I/O error, missing header,
    ///   malformed quoting that leaves no safe place to resume); the error names the line.
    ///   Errors thrown by `body` are rethrown as they are.
    func forEachRecord(_ body: (RecordResult) throws -> Void) throws

    /// Reads the file like ``forEachRecord(_:)``, first offering each row that qualifies (see
    /// ``CSVRowTaker``) to `taker` as its fields' bytes; a row it takes is not delivered to `body`.
    /// The default, for sources that lend nothing (JSONL), ignores `taker`.
    func forEachRecord(lendingTo taker: (any CSVRowTaker)?, _ body: (RecordResult) throws -> Void) throws
}

extension RecordSource {
    public func forEachRecord(lendingTo taker: (any CSVRowTaker)?, _ body: (RecordResult) throws -> Void) throws {
        try forEachRecord(body)
    }
}
