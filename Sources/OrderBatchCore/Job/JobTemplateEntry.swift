/// One key of a job file as `orderbatch init` writes it: `key: value  # comment`.
public struct JobTemplateEntry: Sendable, Equatable {
    /// The dotted key: `concurrency`, `timeouts.request`, `acme.statuses` (a provider's section).
    public var key: String
    /// The value as YAML text: the default, or a placeholder for a required value (`CHANGE_ME`).
    public var value: String
    /// What the key does and what it takes.
    public var comment: String
    /// Written as a comment (`# max_failures: 2%`): the default is "none" and cannot be written as a value,
    /// or the key applies only in another setting (the `emulator:` section).
    public var commentedOut: Bool

    public init(key: String, value: String, comment: String, commentedOut: Bool = false) {
        self.key = key
        self.value = value
        self.comment = comment
        self.commentedOut = commentedOut
    }
}
