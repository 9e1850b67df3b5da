// libFuzzer target for the streaming CSV reader (CSVReader over libcsv). Built and run by bench/fuzz.sh.
//
// The first two bytes choose the read size (16...271 bytes, so chunk boundaries fall inside
// fields, quotes and CRLFs) and the field cap; the rest is the file. Every input must give
// records, malformed records or a thrown InputError; a trap is a bug. The same file is then
// read again in one chunk: the chunk size must not change what is read. And it is read again
// lending rows as bytes (CSVRowTaker), taking every row, then the rows on odd lines: the rows
// lent plus the results delivered must be what the plain read gave.
import OrderBatchCore

#if canImport(Glibc)
import Glibc
#endif

private let path = "/dev/shm/orderbatch-fuzz-\(getpid()).csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let chunkSize = 16 + Int(bytes[0])
    let maxFieldBytes = 1 + Int(bytes[1]) * 4
    let content = UnsafeRawBufferPointer(rebasing: bytes[2...])
    guard write(content) else { return 0 }
    let small = read(CSVReader(path: path, maxFieldBytes: maxFieldBytes, chunkSize: chunkSize))
    let whole = read(CSVReader(path: path, maxFieldBytes: maxFieldBytes, chunkSize: max(16, content.count + 1)))
    if small != whole {
        let diff = "\(small.joined(separator: "\n"))\n--- vs one chunk ---\n\(whole.joined(separator: "\n"))"
        fatalError("chunk size \(chunkSize) read differently:\n\(diff)")
    }
    for takesOdd in [false, true] {
        let taker = Taker(takesOnlyOddLines: takesOdd)
        let lent = read(CSVReader(path: path, maxFieldBytes: maxFieldBytes, chunkSize: chunkSize), lendingTo: taker)
        if lent != small {
            let diff = "\(small.joined(separator: "\n"))\n--- vs lent ---\n\(lent.joined(separator: "\n"))"
            fatalError("lending rows (odd lines only: \(takesOdd)) read differently:\n\(diff)")
        }
    }
    return 0
}

/// Takes lent rows and writes each as ``read(_:lendingTo:)`` writes a record.
private final class Taker: CSVRowTaker {
    let takesOnlyOddLines: Bool
    var columns: [String] = []
    var taken: [(line: Int, text: String)] = []
    init(takesOnlyOddLines: Bool) { self.takesOnlyOddLines = takesOnlyOddLines }

    func lendsRows(under columns: [String]) -> Bool {
        self.columns = columns
        return true
    }

    func take(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer>, line: Int) throws -> Bool {
        if takesOnlyOddLines && line % 2 == 0 { return false }
        let values = fields.map { CellValue.text(String(decoding: $0, as: UTF8.self)) }
        taken.append((line, "record \(line) \(columns) \(values)"))
        return true
    }
}

/// Everything the reader yields or throws, one line each; with a taker, the rows it took are
/// put back in file order.
private func read(_ reader: CSVReader, lendingTo taker: Taker? = nil) -> [String] {
    var out: [(line: Int, text: String)] = []
    do {
        try reader.forEachRecord(lendingTo: taker) { result in
            switch result {
            case let .record(record):
                out.append((record.line, "record \(record.line) \(record.columns) \(record.values)"))
            case let .malformed(issue):
                out.append((issue.line, "malformed \(issue)"))
            }
        }
    } catch {
        out.append((Int.max, "thrown \(error)"))
    }
    guard let taker else { return out.map(\.text) }
    // Each result starts on its own line; a stable merge by line restores file order.
    return (out + taker.taken).enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        .map(\.element.text)
}

private func write(_ content: UnsafeRawBufferPointer) -> Bool {
    guard let base = content.baseAddress else { return truncateFile(path) }
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var offset = 0
    while offset < content.count {
        let n = Glibc.write(fd, base + offset, content.count - offset)
        guard n > 0 else { return false }
        offset += n
    }
    return true
}

/// Empties the file (an input of just the two control bytes).
private func truncateFile(_ path: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return false }
    close(fd)
    return true
}
