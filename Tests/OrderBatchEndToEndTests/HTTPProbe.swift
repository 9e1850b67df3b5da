import Foundation

/// One HTTP exchange through `/usr/bin/curl`, a client that shares no code with orderbatch.
struct HTTPProbe {
    /// The response status (0 when curl got none) and body.
    struct Response {
        var status: Int
        var body: String
        /// The body parsed by Foundation.
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// Sends `method url` with `headers` and `body`, and returns the status and body.
    static func send(
        _ method: String, _ url: String, headers: [String] = [], body: String? = nil
    ) async throws -> Response {
        var arguments = ["-s", "--max-time", "10", "-X", method, "-w", "\n%{http_code}"]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["--data-binary", body] }
        arguments.append(url)
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments)
        let text = result.stdout
        guard let newline = text.lastIndex(of: "\n") else { return Response(status: 0, body: text) }
        return Response(status: Int(text[text.index(after: newline)...]) ?? 0, body: String(text[..<newline]))
    }

    /// The headers of a well-formed Juspay Update Order request authenticated with `apiKey`.
    static func juspayHeaders(apiKey: String) -> [String] {
        [
            "Authorization: Basic " + Data((apiKey + ":").utf8).base64EncodedString(),
            "x-merchantid: merchant_e2e", "x-routing-id: customer_e2e",
            "Content-Type: application/x-www-form-urlencoded",
        ]
    }
}
