import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ledger provider's server: a tiny HTTP/1.1 server on a loopback port, one connection at a time
/// (`Connection: close`), on a thread of its own.
///
/// `POST /ledger/{book}/{order}` with `Authorization: Bearer {token}` applies the update once (200), except
/// that orders in `refuseFirst` are refused (422) the first time; `GET` answers `{"applied":N}`. Any other
/// token gets 401. `onUpdate` sees the number of each update request received; each update is answered
/// after `updateDelay` seconds (a run that is stopped mid-way must have rows left).
final class LedgerServer: @unchecked Sendable {
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    private let token: String
    private let lock = NSLock()
    private var refuseFirst: Set<String>
    private var appliedCounts: [String: Int] = [:]
    private var updateRequests = 0
    private let onUpdate: @Sendable (Int) -> Void
    private let updateDelay: Double

    init(
        token: String, refuseFirst: Set<String>, updateDelay: Double = 0,
        onUpdate: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws {
        self.token = token
        self.updateDelay = updateDelay
        self.refuseFirst = refuseFirst
        self.onUpdate = onUpdate
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "ledger-server"
        thread.start()
    }

    /// How many times each order's update was applied.
    var applied: [String: Int] { lock.withLock { appliedCounts } }

    /// Stops accepting connections. The accept thread closes the socket itself once it has stopped, so its
    /// descriptor number is never reused under a thread still accepting on it.
    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private var stopped = false

    private func acceptLoop() {
        defer { close(listener) }
        while !lock.withLock({ stopped }) {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            serve(connection)
            close(connection)
        }
    }

    private func serve(_ connection: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while data.count < (headerEnd ?? Int.max - contentLength) + contentLength {
            let n = read(connection, &buffer, buffer.count)
            if n <= 0 { return }
            data += buffer[0..<n]
            if headerEnd == nil, let range = findHeaderEnd(data) {
                headerEnd = range
                let head = String(decoding: data[0..<range], as: UTF8.self).lowercased()
                if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }) {
                    contentLength =
                        Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        guard let headerEnd else { return }
        let head = String(decoding: data[0..<headerEnd], as: UTF8.self)
        let (status, body) = answer(head)
        let text =
            "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(body)"
        _ = Array(text.utf8).withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }

    private func findHeaderEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10
        {
            return i + 4
        }
        return nil
    }

    private func answer(_ head: String) -> (Int, String) {
        let lines = head.split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return (400, "{}") }
        let method = requestLine[0]
        let path = requestLine[1].split(separator: "/")
        guard path.count == 3, path[0] == "ledger" else { return (404, #"{"error":"no such route"}"#) }
        let order = String(path[2])
        let authorized = lines.contains { $0.lowercased() == "authorization: bearer \(token)".lowercased() }
        guard authorized else { return (401, #"{"error":"bad token"}"#) }
        if method == "GET" {
            return (200, #"{"applied":\#(applied[order] ?? 0)}"#)
        }
        let (number, refused, count) = lock.withLock { () -> (Int, Bool, Int) in
            updateRequests += 1
            if refuseFirst.remove(order) != nil { return (updateRequests, true, 0) }
            appliedCounts[order, default: 0] += 1
            return (updateRequests, false, appliedCounts[order] ?? 0)
        }
        onUpdate(number)
        if updateDelay > 0 { Thread.sleep(forTimeInterval: updateDelay) }
        return refused ? (422, #"{"error":"REFUSED"}"#) : (200, #"{"applied":\#(count)}"#)
    }
}
