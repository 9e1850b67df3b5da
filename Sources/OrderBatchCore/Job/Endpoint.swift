/// Where a job's requests go.
public enum Endpoint: Sendable, Equatable, CustomStringConvertible {
    /// The provider's own sandbox host, as its documentation lists it.
    case sandbox
    /// The provider's own production host.
    case production
    /// orderbatch's built-in emulator, started in-process on a free loopback port for the run.
    case emulator
    /// An explicit base URL: https anywhere, or http to a loopback address only.
    case url(String)

    /// Parses the job file's `endpoint` value.
    ///
    /// - Returns: the endpoint, or the reason it is refused.
    public static func parse(_ text: String) -> Result<Endpoint, EndpointProblem> {
        // A line break would end the request line and start a header of the attacker's choosing.
        if let control = CellText.firstControlCharacter(text) {
            return .failure(
                EndpointProblem(
                    "must be one line of printable characters, without control characters such as CR or LF "
                        + "(found \(control))"))
        }
        if let space = text.unicodeScalars.firstIndex(where: { $0 == " " || $0.properties.isWhitespace }) {
            let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: space) + 1
            return .failure(EndpointProblem("must not contain spaces (found one at character \(offset))"))
        }
        switch text {
        case "sandbox": return .success(.sandbox)
        case "production": return .success(.production)
        case "emulator": return .success(.emulator)
        default: break
        }
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            return .failure(
                EndpointProblem(
                    "must be sandbox, production, emulator, or a URL starting with https:// (got \"\(text)\")"))
        }
        let afterScheme = text.dropFirst(scheme.count + 3)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") {
            return .failure(
                EndpointProblem(
                    "must not carry credentials in the URL; they come from environment variables"))
        }
        if afterScheme.contains("?") || afterScheme.contains("#") {
            return .failure(EndpointProblem("must be a base URL without a query or fragment"))
        }
        var host = String(authority)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return .failure(EndpointProblem("has a malformed host")) }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard let p = Int(port), (1...65535).contains(p) else {
                return .failure(EndpointProblem("has an invalid port \"\(port)\""))
            }
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { return .failure(EndpointProblem("has no host")) }
        if scheme == "http" && !HostName.isLoopback(host) {
            return .failure(
                EndpointProblem(
                    "uses http to \(host); plain http is allowed only to a loopback address (127.0.0.1, ::1, localhost): use https"
                ))
        }
        var base = text
        while base.hasSuffix("/") { base.removeLast() }
        return .success(.url(base))
    }

    /// The base URL for `provider`, or nil for ``emulator`` (known only once it has started).
    public func baseURL(for provider: ProviderKind) -> String? {
        switch self {
        case .sandbox: return provider.module.endpoints.sandbox
        case .production: return provider.module.endpoints.production
        case .emulator: return nil
        case .url(let base): return base
        }
    }

    public var description: String {
        switch self {
        case .sandbox: return "sandbox"
        case .production: return "production"
        case .emulator: return "emulator"
        case .url(let u): return u
        }
    }
}

/// Why an `endpoint` value is refused.
public struct EndpointProblem: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
