/// A failure to start the emulator (bad orders file, bad configuration, bind failure).
public struct EmulatorError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, one line.
    public var message: String

    init(_ message: String) { self.message = message }

    public var description: String { "emulator: " + message }
}
