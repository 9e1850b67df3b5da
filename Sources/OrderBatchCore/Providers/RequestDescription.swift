/// The text `describe(_:)` shows for `--dry-run`: the request line, the headers with credentials
/// masked, a blank line, and the body (neither for a request without one).
///
/// ```
/// POST https://api.juspay.in/orders/ORD1
/// Authorization: Basic ***
/// x-merchantid: m1
///
/// amount=90
/// ```
enum RequestDescription {
    /// The mask shown in place of a credential.
    static let mask = "***"

    /// Renders `request` with the value of every header named in `masked` (case-insensitive)
    /// replaced by `replacement(name)`.
    ///
    /// - Parameters:
    ///   - request: The request as it would be sent.
    ///   - masked: Lowercased names of headers whose values are credentials or derived from them.
    ///   - replacement: The text shown for a masked header.
    /// - Returns: The description; it never contains a masked header's value.
    static func render(
        _ request: HTTPRequest, masked: Set<String>, replacement: (String) -> String = { _ in mask }
    ) -> String {
        var lines = ["\(request.method.rawValue) \(request.url)"]
        for header in request.headers {
            let value = masked.contains(header.name.lowercased()) ? replacement(header.name) : header.value
            lines.append("\(header.name): \(value)")
        }
        // A read has no body: no blank line either.
        guard !request.body.isEmpty else { return lines.joined(separator: "\n") }
        lines.append("")
        lines.append(String(decoding: request.body, as: UTF8.self))
        return lines.joined(separator: "\n")
    }
}
