/// The job file as a ``ProviderModule`` reads it: its own top-level keys, with the same checks and
/// `FILE:LINE: key: message` errors as every other key.
public struct ProviderJobSection {
    var reader: MappingReader

    init(_ reader: MappingReader) { self.reader = reader }

    /// The job file's path, for errors without a line.
    public var path: String { reader.path }

    /// Whether `key` is present (and not yet read).
    public func contains(_ key: String) -> Bool { reader.entries.contains { $0.key == key } }

    /// A single value, or nil when absent.
    ///
    /// - Throws: ``JobError`` for a list, a mapping, an empty value or a key given twice.
    public mutating func string(_ key: String) throws(JobError) -> (value: String, line: Int?)? {
        try reader.string(key).map { ($0.0, $0.1) }
    }

    /// A value or a list of values, or nil when absent.
    public mutating func stringList(_ key: String) throws(JobError) -> (values: [String], line: Int?)? {
        try reader.stringList(key).map { ($0.0, $0.1) }
    }

    /// A nested mapping (`juspay:`), whose errors name `juspay.KEY`; nil when absent.
    public mutating func section(_ key: String) throws(JobError) -> ProviderJobSection? {
        try reader.mapping(key).map(ProviderJobSection.init)
    }

    /// An error at `key` (with this section's prefix) on `line`, or on the section's own line.
    public func error(_ key: String, _ line: Int?, _ message: String) -> JobError {
        reader.error(key, line, message)
    }

    /// Refuses whatever keys of this section were not read: "unknown key; known keys here: …".
    public func finish(known: [String]) throws(JobError) { try reader.finish(known: known) }
}
