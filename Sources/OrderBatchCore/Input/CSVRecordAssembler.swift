/// Receives libcsv's field and row callbacks, and the fields of plain lines split without
/// libcsv (``CSVPlainLine``), and turns them into ``RecordResult``s.
///
/// The first row is the header; later rows become records that share the header's
/// `columns` array (copy-on-write, so records cost one `values` array each). Callbacks
/// never throw: records are queued in ``pending``, a fatal problem is kept in ``fatal``,
/// and ``CSVReader`` delivers or throws them once `csv_parse` has returned.
///
/// A struct reached through a pointer, not a class reached through `Unmanaged` (STYLE.md
/// guideline 8): the callbacks run once per field, and a class reference there cost a
/// retain/release plus a dynamic exclusivity check per stored-property access, about a
/// fifth of the read time on a 1M-row file. The pointer is owned by `CSVFeed`, a final
/// class that allocates it in `init` and frees it in `deinit`.
///
/// Cell checks, each a ``RecordResult/malformed(_:)`` naming line and column: a NUL byte,
/// invalid UTF-8, a field longer than `maxFieldBytes`, a field count other than the
/// header's. Lines holding only spaces and tabs are skipped like empty lines.
struct CSVRecordAssembler {
    private let path: String
    private let maxFieldBytes: Int

    /// The header, once its row has been read.
    private(set) var columns: [String]?
    private var columnCount = 0
    private var headerFields: [String] = []

    /// The cells of the row being read (only the first `columnCount` are kept).
    private var values: [CellValue] = []
    /// The number of fields of the row being read so far.
    private(set) var fieldCount = 0
    /// The first problem found in the row being read.
    private var rowIssue: InputIssue?
    /// Set by the reader when libcsv buffers more than `maxFieldBytes` of the current field.
    var fieldTooLong = false

    /// The physical line being fed to libcsv (1-based).
    var currentLine = 1
    /// The physical line on which the row being read started, once known to span lines.
    var rowStartLine: Int?

    /// Results completed during the last `csv_parse` call, in file order.
    private(set) var pending: [RecordResult] = []
    /// A cell array from a delivered record that its consumer did not keep, emptied, for the
    /// next row: most consumers (validation) drop each record, so this saves an allocation
    /// and a free per record.
    private var recycledValues: [CellValue] = []
    /// A problem that ends the read (a bad header).
    private(set) var fatal: InputError?

    init(path: String, maxFieldBytes: Int) {
        self.path = path
        self.maxFieldBytes = maxFieldBytes
    }

    /// The physical line on which the row being read started.
    var recordLine: Int { rowStartLine ?? currentLine }

    /// The name of column `index` (0-based) for messages: the header name, or its
    /// 1-based number when the row has more fields than the header.
    func columnName(_ index: Int) -> String {
        if let columns, index < columns.count { return columns[index] }
        return String(index + 1)
    }

    /// Forgets the row being read, after a strict parse error reset the parser.
    mutating func abandonRow() {
        values.removeAll(keepingCapacity: true)
        headerFields.removeAll()
        fieldCount = 0
        rowIssue = nil
        fieldTooLong = false
        rowStartLine = nil
    }

    // MARK: - C callbacks

    /// The libcsv field callback; `userData` points to a `CSVRecordAssembler`.
    static let onField: CSVParser.FieldCallback = { data, count, userData in
        userData?.assumingMemoryBound(to: CSVRecordAssembler.self).pointee.field(data, count)
    }

    /// The libcsv row callback; `userData` points to a `CSVRecordAssembler`.
    static let onRow: CSVParser.RowCallback = { _, userData in
        userData?.assumingMemoryBound(to: CSVRecordAssembler.self).pointee.endRow()
    }

    // MARK: - Fields and rows

    private mutating func field(_ data: UnsafeMutableRawPointer?, _ count: Int) {
        let index = fieldCount
        fieldCount += 1
        if fieldTooLong || count > maxFieldBytes {
            fieldTooLong = false
            if columns == nil {
                fail(
                    .invalidHeader(
                        path: path, line: recordLine,
                        problem: "column \(index + 1) is longer than \(maxFieldBytes) bytes; is this a CSV file?"))
            } else if rowIssue == nil {
                rowIssue = InputIssue(
                    line: recordLine, column: columnName(index),
                    message: "field is longer than the limit of \(maxFieldBytes) bytes")
            }
            return
        }
        // After a problem, or past the header's width, fields are only counted.
        guard rowIssue == nil, columns == nil || index < columnCount else { return }
        let bytes = UnsafeBufferPointer(start: data?.assumingMemoryBound(to: UInt8.self), count: count)
        // One pass finds NUL bytes and non-ASCII bytes. ASCII text needs no validation: it is
        // copied straight into the string, which for up to 15 bytes (a small string) only
        // re-checks a two-word ASCII mask, cheaper than `String(decoding:)`'s scan. The
        // generic `String(validating:)` is kept for non-ASCII fields (it looks up generic
        // metadata on every call). The loop has no branch, so the compiler vectorises it.
        var union: UInt8 = 0
        var lowest: UInt8 = 0xFF
        for byte in bytes {
            union |= byte
            lowest = min(lowest, byte)
        }
        let text: String
        if lowest == 0 {
            cellProblem(index, "field contains a NUL byte; the file may be binary or UTF-16 encoded")
            return
        } else if union < 0x80 {
            text = String(unsafeUninitializedCapacity: count) { buffer in
                _ = buffer.initialize(fromContentsOf: bytes)
                return count
            }
        } else if let valid = String(validating: bytes, as: UTF8.self) {
            text = valid
        } else {
            cellProblem(
                index,
                "field is not valid UTF-8 (\(CSVRecordAssembler.firstInvalidByte(bytes))); "
                    + "save the file as UTF-8")
            return
        }
        if columns == nil {
            headerFields.append(text)
        } else {
            values.append(.text(text))
        }
    }

    private mutating func endRow() {
        let line = recordLine
        rowStartLine = nil
        let count = fieldCount
        fieldCount = 0
        guard let columns else {
            finishHeader(line: line, fieldCount: count)
            return
        }
        defer { values.removeAll(keepingCapacity: true) }
        if let issue = rowIssue {
            rowIssue = nil
            pending.append(.malformed(issue))
            return
        }
        if count == 1, case let .text(only) = values[0], CSVRecordAssembler.isBlank(only) { return }
        guard count == columnCount else {
            let cells = values.compactMap { value -> String? in
                if case .text(let text) = value { return text }
                return nil
            }
            let hint = CSVDelimiterHint.shortRow(cells, expected: columnCount) ?? ""
            pending.append(
                .malformed(
                    InputIssue(
                        line: line, message: "expected \(columnCount) fields as in the header, found \(count)" + hint)))
            return
        }
        pending.append(.record(InputRecord(line: line, columns: columns, values: values)))
        // Hand `values` to the record; start the next row with a recycled or a fresh array.
        swap(&values, &recycledValues)
        recycledValues = []
        values.reserveCapacity(columnCount)
    }

    /// Takes the fields of a plain line (``CSVPlainLine``) and ends its row, as libcsv's
    /// callbacks would for the same line. Empty content gives nothing, as in libcsv.
    mutating func acceptPlainLine(_ content: UnsafeRawBufferPointer) {
        guard !content.isEmpty else { return }
        CSVPlainLine.forEachField(in: content) { bytes in
            field(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        }
        endRow()
    }

    /// Hands the queued results to `body` in file order, then empties the queue.
    ///
    /// - Throws: What `body` throws; the read then ends, so the queue is left as it is.
    mutating func deliverPending(_ body: (RecordResult) throws -> Void) rethrows {
        // Lent in place through the buffer: iterating the array handed `body` a copy of each
        // result, a retain and a release of the record's two arrays per row.
        try pending.withUnsafeBufferPointer { results in
            for i in results.indices { try body(results[i]) }
        }
        while let result = pending.popLast() {
            guard case .record(var record) = consume result, recycledValues.capacity == 0 else { continue }
            // Unless `body` kept the record, this empties its array in place.
            record.values.removeAll(keepingCapacity: true)
            recycledValues = record.values
        }
    }

    private mutating func finishHeader(line: Int, fieldCount count: Int) {
        defer { headerFields.removeAll() }
        if rowIssue != nil || fatal != nil {
            if let issue = rowIssue { fail(.invalidHeader(path: path, line: line, problem: issue.message)) }
            return
        }
        if count == 1, CSVRecordAssembler.isBlank(headerFields[0]) { return }
        if count == 1, let problem = CSVDelimiterHint.oneColumnHeader(headerFields[0]) {
            fail(.invalidHeader(path: path, line: line, problem: problem))
            return
        }
        var seen: [String: Int] = [:]
        for (i, name) in headerFields.enumerated() {
            if name.isEmpty {
                fail(.invalidHeader(path: path, line: line, problem: "column \(i + 1) has no name; name every column"))
                return
            }
            if let first = seen[name] {
                fail(
                    .invalidHeader(
                        path: path, line: line,
                        problem: "column name \"\(name)\" appears twice (columns \(first + 1) and \(i + 1)); "
                            + "rename or remove one"))
                return
            }
            seen[name] = i
        }
        columns = headerFields
        columnCount = headerFields.count
        values.reserveCapacity(columnCount)
    }

    // MARK: - Problems

    private mutating func cellProblem(_ index: Int, _ message: String) {
        if columns == nil {
            fail(.invalidHeader(path: path, line: recordLine, problem: "column \(index + 1): \(message)"))
        } else {
            rowIssue = InputIssue(line: recordLine, column: columnName(index), message: message)
        }
    }

    private mutating func fail(_ error: InputError) {
        if fatal == nil { fatal = error }
    }

    private static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// `byte 0xFF at offset 3` for the first byte that breaks UTF-8 in `bytes`.
    private static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar): offset += scalar.count
            case .error:
                let byte = String(bytes[offset], radix: 16, uppercase: true)
                return "byte 0x\(byte.count == 1 ? "0" + byte : byte) at byte offset \(offset)"
            case .emptyInput: return "truncated sequence"
            }
        }
    }
}
