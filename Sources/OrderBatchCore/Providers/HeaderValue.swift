/// Checks on text that goes into an HTTP header value.
enum HeaderValue {
    /// Whether `value` can be sent as a header value: not empty, and no control character (CR,
    /// LF and NUL would split or cut the header; the others are not allowed by RFC 9110).
    /// Horizontal tab and non-ASCII bytes are allowed.
    static func isSendable(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }
}
