extension InputIssue {
    /// `FILE:LINE: column: message` (`FILE:LINE: message` when the problem is in no one column).
    public func formatted(path: String) -> String {
        if let column { return "\(path):\(line): \(column): \(message)" }
        return "\(path):\(line): \(message)"
    }
}
