// libFuzzer target for the streaming CSV reader (CSVReader over libcsv). Built and run by bench/fuzz.sh.
//
// The first two bytes choose the read size (16...271 bytes, so chunk boundaries fall inside
// fields, quotes and CRLFs) and the field cap; the rest is the file. Every input must give
// records, malformed records or a thrown InputError; a trap is a bug. The same file is then
// read again in one chunk: the chunk size must not change what is read.
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
    return 0
}

/// Everything the reader yields or throws, one line each.
private func read(_ reader: CSVReader) -> [String] {
    var out: [String] = []
    do {
        try reader.forEachRecord { result in
            switch result {
            case let .record(record):
                out.append("record \(record.line) \(record.columns) \(record.values)")
            case let .malformed(issue):
                out.append("malformed \(issue)")
            }
        }
    } catch {
        out.append("thrown \(error)")
    }
    return out
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
