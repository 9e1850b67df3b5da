/// One credential of a provider: its `credentials:` sub-key, the environment variable read when the job
/// names none, and the value the built-in emulator accepts when that variable is unset.
public struct CredentialSpec: Sendable, Equatable {
    /// The job file's `credentials:` sub-key, e.g. `api_key_env`.
    public var key: String
    /// The variable read by default, e.g. `JUSPAY_API_KEY`; the emulator reads this name too.
    public var defaultVariable: String
    /// The demo value used for `endpoint: emulator` when the variable is unset or empty.
    public var emulatorDemo: String

    public init(key: String, defaultVariable: String, emulatorDemo: String) {
        self.key = key
        self.defaultVariable = defaultVariable
        self.emulatorDemo = emulatorDemo
    }
}
