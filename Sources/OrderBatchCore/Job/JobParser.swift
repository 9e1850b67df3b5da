import Foundation
import Yams

/// Reads a job file: strict YAML mapping, every key known, every value checked, with the key's
/// name and line in each error.
public enum JobParser {
    /// Reads and checks the job file at `path`.
    ///
    /// - Parameters:
    ///   - path: The job file; it also locates the job's relative paths.
    ///   - registry: The providers a job may name; ``ProviderRegistry/standard`` in the binary.
    /// - Returns: The job as ``parse(text:path:registry:)`` reads the file's text.
    /// - Throws: ``JobError`` naming the file when it is missing, unreadable or not UTF-8 text, and
    ///   whatever ``parse(text:path:registry:)`` throws for its content.
    public static func load(path: String, registry: ProviderRegistry = .standard) throws(JobError) -> Job {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw JobError(path: path, message: directoryMessage(path))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw JobError(
                path: path,
                message: exists ? "cannot be read; check its permissions" : "no such job file; check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JobError(path: path, message: "is not UTF-8 text")
        }
        return try parse(text: text, path: path, registry: registry)
    }

    /// Parses job text; `path` locates relative paths and names the file in errors.
    public static func parse(
        text: String, path: String, registry: ProviderRegistry = .standard
    ) throws(JobError) -> Job {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, path: path, text: text)
        } catch {
            throw JobError(path: path, message: "is not valid YAML: \(error)")
        }
        guard let node, case .mapping(let root) = node else {
            throw JobError(path: path, line: 1, message: "must be a YAML mapping of keys (name:, provider:, input:, …)")
        }
        var reader = MappingReader(path: path, mapping: root, prefix: "")
        return try reader.job(text: text, registry: registry)
    }

    private static func yamlError(_ error: YamlError, path: String, text: String) -> JobError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            // libyaml's words for a tab ("found character that cannot start any token", "found a tab character
            // that violates indentation") do not say what to do; a tab in the indentation is the usual cause.
            if let column = indentingTab(in: text, line: mark.line) {
                return JobError(
                    path: path, line: mark.line,
                    message: "is not valid YAML: a tab indents this line (column \(column)); YAML does not allow "
                        + "tabs for indentation: indent with spaces")
            }
            return JobError(path: path, line: mark.line, message: "is not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, _):
            return JobError(path: path, message: "has duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return JobError(path: path, message: "is not valid YAML: \(error)")
        }
    }
}

/// Walks one YAML mapping, consuming keys; whatever is left at the end is unknown.
///
/// Internal rather than private only so that sections live in their own files
/// (`JobParser+Emulator.swift`).
struct MappingReader {
    let path: String
    let prefix: String
    let line: Int?
    var entries: [(key: String, line: Int?, value: Node)] = []

    init(path: String, mapping: Node.Mapping, prefix: String) {
        self.path = path
        self.prefix = prefix
        self.line = mapping.mark?.line
        for (k, v) in mapping {
            entries.append((k.string ?? "\(k)", k.mark?.line, v))
        }
    }

    func error(_ key: String, _ line: Int?, _ message: String) -> JobError {
        JobError(path: path, line: line ?? self.line, key: prefix + key, message: message)
    }

    mutating func take(_ key: String) throws(JobError) -> (node: Node, line: Int?)? {
        let matches = entries.filter { $0.key == key }
        if matches.count > 1 {
            throw error(key, matches[1].line, "appears twice (first on line \(matches[0].line ?? 0))")
        }
        guard let i = entries.firstIndex(where: { $0.key == key }) else { return nil }
        let e = entries.remove(at: i)
        return (e.value, e.line)
    }

    mutating func string(_ key: String) throws(JobError) -> (String, Int?)? {
        guard let (node, line) = try take(key) else { return nil }
        guard case .scalar(let s) = node else {
            throw error(key, line, "must be a single value, not a list or mapping")
        }
        if s.tag.description == Tag.Name.null.rawValue
            || (s.style == .plain && (s.string == "" || s.string == "~" || s.string == "null"))
        {
            throw error(key, line, "has no value; give one or remove the key")
        }
        return (s.string, line)
    }

    mutating func requiredString(_ key: String, _ what: String) throws(JobError) -> (String, Int?) {
        guard let v = try string(key) else {
            throw JobError(path: path, line: nil, key: prefix + key, message: "is required: \(what)")
        }
        return v
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>) throws(JobError) -> Int? {
        guard let (text, line) = try string(key) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw error(
                key, line, "must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(text)\")")
        }
        return n
    }

    mutating func bool(_ key: String) throws(JobError) -> Bool? {
        guard let (text, line) = try string(key) else { return nil }
        switch text {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(key, line, "must be true or false (got \"\(text)\")")
        }
    }

    mutating func duration(_ key: String, min: Int64 = 1, allowOff: Bool = false) throws(JobError) -> Int64?? {
        guard let (text, line) = try string(key) else { return nil }
        if allowOff && (text == "none" || text == "off") { return .some(nil) }
        guard let ms = DurationText.milliseconds(text), ms >= min else {
            throw error(
                key, line,
                "must be a duration such as 800ms, 2s, 50m or 1h30m\(allowOff ? ", or none" : "") (got \"\(text)\")")
        }
        return .some(ms)
    }

    mutating func mapping(_ key: String) throws(JobError) -> MappingReader? {
        guard let (node, line) = try take(key) else { return nil }
        guard case .mapping(let m) = node else { throw error(key, line, "must be a mapping of keys") }
        return MappingReader(path: path, mapping: m, prefix: prefix + key + ".")
    }

    mutating func stringList(_ key: String) throws(JobError) -> ([String], Int?)? {
        guard let (node, line) = try take(key) else { return nil }
        switch node {
        case .scalar(let s): return ([s.string], line)
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    throw error(key, item.mark?.line ?? line, "must be a list of values")
                }
                out.append(s.string)
            }
            return (out, line)
        default: throw error(key, line, "must be a value or a list of values")
        }
    }

    /// Refuses whatever keys were not consumed.
    func finish(known: [String]) throws(JobError) {
        if let e = entries.first {
            throw error(e.key, e.line, "unknown key; known keys here: \(known.joined(separator: ", "))")
        }
    }

    /// `relative` against the job file's directory, with `.` and `..` folded lexically
    /// (`jobs/../samples/a.csv` → `samples/a.csv`) so messages show the path a user would type.
    func resolve(_ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let dir = (path as NSString).deletingLastPathComponent
        let joined = dir.isEmpty ? relative : dir + "/" + relative
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let folded = parts.joined(separator: "/")
        return joined.hasPrefix("/") ? "/" + folded : (folded.isEmpty ? "." : folded)
    }

    mutating func job(text: String, registry: ProviderRegistry) throws(JobError) -> Job {
        let topKeys = JobKeys.topLevel(registry: registry)
        let (name, nameLine) = try requiredString("name", "a short name for the job, e.g. nightly-reprice")
        guard !name.isEmpty, name.count <= 64,
            name.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
            })
        else {
            throw error(
                "name", nameLine, "must be 1–64 characters of letters, digits, '-', '_' or '.' (got \"\(name)\")")
        }
        let (providerText, providerLine) = try requiredString("provider", registry.namesAsChoice)
        guard let provider = registry.provider(named: providerText) else {
            throw error("provider", providerLine, "must be \(registry.namesAsChoice) (got \"\(providerText)\")")
        }
        let defaults = provider.module.defaults
        let (endpointText, endpointLine) = try requiredString(
            "endpoint", "sandbox, production, emulator, or a base URL")
        let endpoint: Endpoint
        switch Endpoint.parse(endpointText) {
        case .success(let e): endpoint = e
        case .failure(let p): throw error("endpoint", endpointLine, p.message)
        }
        let input = try string("input").map { resolve($0.0) }
        var format: InputFormat?
        if let (f, line) = try string("format") {
            guard let parsed = InputFormat(rawValue: f) else {
                throw error("format", line, "must be csv or jsonl (got \"\(f)\")")
            }
            format = parsed
        }
        if format == nil, let input, InputFormat.fromExtension(path: input) == nil {
            throw error("input", nil, "has no .csv or .jsonl extension; add `format: csv` or `format: jsonl`")
        }
        let state = try stateDatabase() ?? resolve("\(name).state.sqlite")
        let providerSettings = try providerSettings(provider, registry: registry)
        let concurrency = try int("concurrency", in: 1...256) ?? defaults.concurrency

        var rateLimit = defaults.rateLimit
        if let (items, line) = try stringList("rate_limit") {
            if items == ["none"] || items == ["off"] {
                rateLimit = []
            } else {
                rateLimit = []
                for item in items {
                    guard let w = RateWindow.parse(item) else {
                        throw error(
                            "rate_limit", line,
                            "must be requests per second (5), a window such as 200/1m, a list such as [200/1m, 1000/5m], or none (got \"\(item)\")"
                        )
                    }
                    rateLimit.append(w)
                }
            }
        }

        var timeouts = Job.Timeouts(request: defaults.requestTimeout, item: Job.Timeouts.defaultItem, run: nil)
        if var t = try mapping("timeouts") {
            if let v = try t.duration("request", min: 10) { timeouts.request = v ?? timeouts.request }
            if let v = try t.duration("item", min: 10) { timeouts.item = v ?? timeouts.item }
            if let v = try t.duration("run", allowOff: true) { timeouts.run = v }
            try t.finish(known: JobKeys.timeouts)
        }
        if timeouts.item < timeouts.request {
            throw JobError(
                path: path, key: "timeouts.item",
                message:
                    "(\(DurationText.format(milliseconds: timeouts.item))) is shorter than timeouts.request (\(DurationText.format(milliseconds: timeouts.request))): no attempt could finish within it"
            )
        }

        var retry = Job.Retry.defaults
        if var r = try mapping("retry") {
            retry.maxAttempts = try r.int("max_attempts", in: 1...100) ?? retry.maxAttempts
            if let v = try r.duration("backoff_base") { retry.backoffBase = v ?? retry.backoffBase }
            if let v = try r.duration("backoff_max") { retry.backoffMax = v ?? retry.backoffMax }
            if let (b, line) = try r.string("budget") {
                let value = b.hasSuffix("%") ? Double(b.dropLast()).map { $0 / 100 } : Double(b)
                guard let value, value.isFinite, value >= 0, value <= 10 else {
                    throw r.error(
                        "budget", line, "must be a fraction of first attempts such as 0.5 or 50% (got \"\(b)\")")
                }
                retry.budget = value
            }
            try r.finish(known: JobKeys.retry)
            if retry.backoffMax < retry.backoffBase {
                throw JobError(
                    path: path, key: "retry.backoff_max", message: "must not be shorter than retry.backoff_base")
            }
        }
        var breaker = ExecutorPolicy.Breaker()
        if var b = try mapping("breaker") {
            breaker.consecutiveFailures =
                try b.int("consecutive_failures", in: 1...100_000) ?? breaker.consecutiveFailures
            try b.finish(known: JobKeys.breaker)
        }
        var maxFailures: ExecutorPolicy.FailureLimit?
        if let (m, line) = try string("max_failures") {
            guard let parsed = ExecutorPolicy.FailureLimit.parse(m) else {
                throw error("max_failures", line, "must be a count (25) or a percentage (2.5%) (got \"\(m)\")")
            }
            maxFailures = parsed
        }
        let preflight = try bool("preflight") ?? defaults.preflight
        var leaseTTL = Job.defaultLeaseTTL
        if let (text, line) = try string("lease_ttl") {
            guard let ms = DurationText.milliseconds(text), (3_000...3_600_000).contains(ms) else {
                throw error("lease_ttl", line, "must be a duration from 3s to 1h such as 60s (got \"\(text)\")")
            }
            leaseTTL = ms
        }
        var credentials = Job.CredentialNames(provider.module.credentials)
        if var c = try mapping("credentials") {
            func envName(_ r: inout MappingReader, _ key: String) throws(JobError) -> String? {
                guard let (v, line) = try r.string(key) else { return nil }
                guard !v.isEmpty, v.count <= 128,
                    v.unicodeScalars.allSatisfy({ ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "_" }
                    ),
                    !(v.first?.isNumber ?? true)
                else {
                    throw r.error(
                        key, line,
                        "must name an environment variable (letters, digits, _), not hold the secret itself; secrets never live in a job file"
                    )
                }
                return v
            }
            for spec in provider.module.credentials {
                if let v = try envName(&c, spec.key) { credentials.set(spec.key, to: v) }
            }
            try c.finish(known: provider.module.credentials.map(\.key))
        }
        let emulator = try emulatorSettings(endpoint: endpoint, latencyModels: registry.emulatorLatencyModels)
        var unfinishedRuns = UnfinishedRunsPolicy.refuse
        if let (u, line) = try string("unfinished_runs") {
            guard let policy = UnfinishedRunsPolicy(rawValue: u) else {
                throw error("unfinished_runs", line, "must be refuse or supersede (got \"\(u)\")")
            }
            unfinishedRuns = policy
        }
        // A key that looks like a secret is refused loudly rather than ignored.
        for e in entries where ["api_key", "secret_key", "access_key", "password", "token"].contains(e.key) {
            throw error(
                e.key, e.line, "secrets never live in a job file: put it in an environment variable (see credentials:)")
        }
        let sharing = try rateLimitSharing()
        try finish(known: topKeys)
        var job = Job(
            path: path, directory: (path as NSString).deletingLastPathComponent, text: text, name: name,
            provider: provider, endpoint: endpoint, input: input, format: format, state: state,
            concurrency: concurrency, rateLimit: rateLimit, timeouts: timeouts, retry: retry, breaker: breaker,
            maxFailures: maxFailures, preflight: preflight, providerSettings: providerSettings,
            credentials: credentials, emulator: emulator, leaseTTL: leaseTTL)
        job.unfinishedRuns = unfinishedRuns
        (job.rateLimitScope, job.rateLimitPause) = sharing
        return job
    }
}
