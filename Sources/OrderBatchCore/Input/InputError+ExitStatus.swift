extension InputError {
    /// The exit status for an input file that could not be read: 64 when it is missing or unreadable (a
    /// wrong path), 2 when its content stops the reader (broken quoting, truncation).
    public var exitStatus: ExitStatus {
        switch kind {
        case .fileNotFound, .unreadable: return .usage
        default: return .invalidInput
        }
    }
}
