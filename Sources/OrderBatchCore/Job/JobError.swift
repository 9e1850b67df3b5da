/// A job file that cannot be used: where, which key, and what to do about it.
public struct JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job file's path as the user gave it.
    public var path: String
    /// 1-based line of the offending key or value, when known.
    public var line: Int?
    /// The dotted key (`timeouts.request`), when the problem is one key.
    public var key: String?
    public var message: String

    public init(path: String, line: Int? = nil, key: String? = nil, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    /// `jobs/reprice.yaml:7: concurrency: must be a whole number from 1 to 256 (got "abc")`.
    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}
