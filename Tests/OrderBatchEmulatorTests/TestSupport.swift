import CCrypto
import Foundation
import Testing

@testable import OrderBatchEmulator

/// The credentials every integration test uses.
let testCredentials = EmulatorCredentials([
    "JUSPAY_API_KEY": "jp_test", "RAPYD_ACCESS_KEY": "rak_TEST", "RAPYD_SECRET_KEY": "rsk_TEST",
])

/// Starts an emulator with ``testCredentials``, runs `body`, and always shuts it down.
func withEmulator<T>(
    _ configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: (EmulatorServer) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration()
    configuration.credentials = testCredentials
    configure(&configuration)
    let server = try await EmulatorServer.start(configuration)
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}

/// One exchange made by the `curl` binary, so the bytes on the wire come from a client the emulator
/// shares no code with.
struct CurlResult {
    var exitCode: Int32
    var status: Int
    /// Response header fields in order (names as sent).
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed with Foundation (independent of the emulator's own JSON code).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Runs `/usr/bin/curl` with `arguments` and returns its output as files, never blocking a test thread.
func runCurl(_ arguments: [String]) async throws -> (exitCode: Int32, stdout: [UInt8]) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("emu-curl-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = arguments
    process.standardOutput = handle
    process.standardError = FileHandle.nullDevice
    let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
        } catch {
            continuation.resume(throwing: error)
        }
    }
    try handle.close()
    return (exitCode, Array(try Data(contentsOf: output)))
}

/// One HTTP exchange: `curl -i` with the given method, headers (exact names and order) and raw body.
func http(
    _ method: String, _ url: String, headers: [(String, String)] = [], body: String? = nil, maxTime: Double = 10
) async throws -> CurlResult {
    var arguments = ["-s", "--http1.1", "-i", "-X", method, "--max-time", String(maxTime)]
    // curl adds its own Content-Type for --data-binary and Accept/User-Agent always; drop them so tests
    // control every header that matters.
    arguments += ["-H", "Accept:", "-H", "User-Agent:"]
    if body != nil, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        arguments += ["-H", "Content-Type:"]
    }
    for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
    if let body { arguments += ["--data-binary", body] }
    arguments.append(url)
    let (exitCode, output) = try await runCurl(arguments)
    return parseResponse(output, exitCode: exitCode)
}

/// Splits `curl -i` output into status, headers and body.
func parseResponse(_ output: [UInt8], exitCode: Int32) -> CurlResult {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard let range = output.firstRange(of: separator) else {
        return CurlResult(exitCode: exitCode, status: 0, headers: [], body: [])
    }
    let lines = String(decoding: output[..<range.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let status = lines.first.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
    let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return CurlResult(exitCode: exitCode, status: status, headers: headers, body: Array(output[range.upperBound...]))
}

// MARK: - Juspay

/// The headers a well-formed Juspay request carries.
func juspayHeaders(apiKey: String = "jp_test", form: Bool = true) -> [(String, String)] {
    var headers = [
        ("Authorization", "Basic " + Data((apiKey + ":").utf8).base64EncodedString()),
        ("x-merchantid", "merchant_1"),
        ("x-routing-id", "customer_1"),
    ]
    if form { headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
    return headers
}

/// `error_info.code` of a Juspay error body.
func juspayErrorCode(_ result: CurlResult) -> String? {
    (result.json["error_info"] as? [String: Any])?["code"] as? String
}

/// `error_info.fields[0].field_name` of a Juspay INVALID_INPUT body.
func juspayFieldName(_ result: CurlResult) -> String? {
    let info = result.json["error_info"] as? [String: Any]
    return ((info?["fields"] as? [[String: Any]])?.first)?["field_name"] as? String
}

// MARK: - Rapyd

/// Rapyd's signature, computed here with libcrypto independently of the emulator's code.
func rapydSignature(
    method: String, path: String, salt: String, timestamp: String, accessKey: String, secretKey: String, body: String
) -> String {
    let message = Array((method.lowercased() + path + salt + timestamp + accessKey + secretKey + body).utf8)
    let key = Array(secretKey.utf8)
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    _ = HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &digest, &length)
    let hexText = digest.map { String(format: "%02x", $0) }.joined()
    return Data(hexText.utf8).base64EncodedString()
}

/// Signed Rapyd headers for a request sent now.
func rapydHeaders(
    method: String, path: String, body: String = "", timestamp: Int? = nil, accessKey: String = "rak_TEST",
    secretKey: String = "rsk_TEST", idempotency: String? = nil
) -> [(String, String)] {
    let salt = "salt" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    let ts = String(timestamp ?? Int(Date().timeIntervalSince1970) - 1)
    var headers = [
        ("access_key", accessKey),
        ("salt", salt),
        ("timestamp", ts),
        (
            "signature",
            rapydSignature(
                method: method, path: path, salt: salt, timestamp: ts, accessKey: accessKey, secretKey: secretKey,
                body: body)
        ),
        ("Content-Type", "application/json"),
    ]
    if let idempotency { headers.append(("idempotency", idempotency)) }
    return headers
}

/// A signed Rapyd request.
func rapyd(
    _ server: EmulatorServer, _ method: String, _ path: String, body: String = "", idempotency: String? = nil
) async throws -> CurlResult {
    try await http(
        method, server.baseURL + path,
        headers: rapydHeaders(method: method, path: path, body: body, idempotency: idempotency),
        body: method == "GET" ? nil : body)
}

/// `status.error_code` of a Rapyd envelope.
func rapydErrorCode(_ result: CurlResult) -> String? {
    (result.json["status"] as? [String: Any])?["error_code"] as? String
}

/// A temporary file holding `text`, deleted by the caller.
func temporaryFile(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("emu-\(UUID().uuidString).jsonl")
    try Data(text.utf8).write(to: url)
    return url
}
