import Foundation
import OrderBatchCore
import Testing

@Suite struct SHA256HasherTests {
    @Test func knownVectors() {
        let hasher = SHA256Hasher()
        #expect(hasher.finalize() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        hasher.update(Array("abc".utf8))
        #expect(hasher.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func incrementalEqualsOneShotAndHasherIsReusable() {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        let hasher = SHA256Hasher()
        for byte in message { hasher.update([byte]) }
        let incremental = hasher.finalize()
        hasher.update(message)
        #expect(incremental == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hasher.finalize() == incremental)
    }

    @Test func fileDigestMatchesSha256sumAcrossChunkBoundaries() throws {
        // 2.5 MiB + 7 bytes: two full 1 MiB chunks and a partial one.
        var bytes = [UInt8](repeating: 0, count: (5 << 19) + 7)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 11) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        let digest = try SHA256Hasher.hexDigest(ofFileAt: path)

        let hasher = SHA256Hasher()
        hasher.update(bytes)
        #expect(digest == hasher.finalize())
        let sha256sum = try runTool("/usr/bin/sha256sum", [path])
        #expect(sha256sum.hasPrefix(digest + " "))
    }

    @Test func missingFileIsFileUnreadable() {
        let path = "/nonexistent/orderbatch-\(UUID().uuidString)"
        #expect(throws: CryptoError.self) { try SHA256Hasher.hexDigest(ofFileAt: path) }
        do {
            _ = try SHA256Hasher.hexDigest(ofFileAt: path)
        } catch {
            #expect(error.kind == .fileUnreadable)
            #expect(error.description.contains(path))
        }
    }

    @Test func directoryIsFileUnreadable() {
        do {
            _ = try SHA256Hasher.hexDigest(ofFileAt: FileManager.default.temporaryDirectory.path)
            Issue.record("digesting a directory succeeded")
        } catch {
            #expect(error.kind == .fileUnreadable)
        }
    }
}

/// Runs `executable` with `arguments` and returns its standard output as text.
func runTool(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
