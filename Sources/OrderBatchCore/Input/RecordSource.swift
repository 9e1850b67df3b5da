/// A streaming source of records. The file is never held in memory whole.
public protocol RecordSource {
    /// Reads the file from the start, calling `body` once per record in file order.
    ///
    /// - Throws: ``InputError`` when the file cannot be read on (I/O error, missing header,
    ///   malformed quoting that leaves no safe place to resume); the error names the line.
    ///   Errors thrown by `body` are rethrown as they are.
    func forEachRecord(_ body: (RecordResult) throws -> Void) throws
}
