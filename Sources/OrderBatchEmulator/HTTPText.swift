/// Byte-level helpers for header text: case-insensitive ASCII comparison and optional-whitespace
/// trimming without Foundation or lowercased copies, because the emulator runs them several times per
/// request (as `lowercased()` and `trimmingCharacters(in:)` they were over a tenth of its CPU; BENCHMARKS.md).
enum HTTPText {
    /// Whether `text` equals `lowercase` (which must be lowercase ASCII), ignoring ASCII case.
    static func equalsIgnoringCase(_ text: some StringProtocol, _ lowercase: String) -> Bool {
        var a = text.utf8.makeIterator()
        var b = lowercase.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                guard (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) == y else { return false }
            default: return false
            }
        }
    }

    /// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
    static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while end > start {
            let last = utf8.index(before: end)
            guard utf8[last] == 0x20 || utf8[last] == 0x09 else { break }
            end = last
        }
        return Substring(utf8[start..<end])
    }

    /// Whether a `Content-Type` value names the media type `lowercase`, whatever its parameters.
    static func isMediaType(_ value: String?, _ lowercase: String) -> Bool {
        guard let value else { return false }
        let mediaType = value.utf8.firstIndex(of: UInt8(ascii: ";")).map { value[..<$0] } ?? value[...]
        return equalsIgnoringCase(trimmed(mediaType), lowercase)
    }
}
