/// The shape of a row's JSON text (its input columns or its payload): the text with the strings that vary from
/// row to row cut out as numbered holes. A run's rows share a few shapes, so the SQLite store keeps each shape
/// once per run (`item_shapes`) and per row only the strings (issue #12: bytes per row).
///
/// Filling the holes gives back the text byte for byte, whatever it is: a hole is exactly the bytes between
/// two quotes, and a string with an escape in it is never cut out. A text holding a control character (which
/// JSON never leaves raw) has no shape, since the template marks its holes with control characters
/// (U+0001 index U+0002) and the store joins the strings with U+001F.
///
/// ```swift
/// let (template, values) = ItemShape.splitInput(#"{"order_id":"A1","amount":"10.00"}"#)!
/// // template: {"order_id":"␁0␂","amount":"␁1␂"}, values: ["A1", "10.00"]
/// ItemShape(template: template)?.text(values: values[...]) // the text again
/// ```
struct ItemShape: Sendable, Equatable {
    /// The literal pieces around the holes; one more than ``holes``.
    private let pieces: [String]
    /// The value each hole takes, by its index in the row's values.
    private let holes: [Int]

    /// A payload's template, and the strings of its own that it moved out (numbered after the input's values).
    typealias PayloadSplit = (template: String, extras: [String])

    /// The separator of a row's strings in its stored form.
    static let valueSeparator: Character = "\u{1F}"

    /// Parses a template written by ``splitInput(_:)`` or ``splitPayload(_:values:keepUnmatched:)``; nil when
    /// it is not one.
    init?(template: String) {
        var pieces: [String] = []
        var holes: [Int] = []
        let parts = template.utf8.split(separator: 0x01, omittingEmptySubsequences: false)
        guard let first = parts.first else { return nil }
        pieces.append(String(decoding: first, as: UTF8.self))
        for part in parts.dropFirst() {
            guard let end = part.firstIndex(of: 0x02),
                let index = Int(String(decoding: part[part.startIndex..<end], as: UTF8.self)), index >= 0
            else { return nil }
            holes.append(index)
            pieces.append(String(decoding: part[part.index(after: end)...], as: UTF8.self))
        }
        self.pieces = pieces
        self.holes = holes
    }

    /// The text with each hole filled from `values`; nil when a hole's value is missing.
    func text(values: [Substring]) -> String? {
        var text = pieces[0]
        for (offset, hole) in holes.enumerated() {
            guard hole < values.count else { return nil }
            text.append(contentsOf: values[hole])
            text.append(contentsOf: pieces[offset + 1])
        }
        return text
    }

    /// A row's stored strings, split (the inverse of joining them with ``valueSeparator``).
    static func values(_ stored: String) -> [Substring] {
        stored.split(separator: valueSeparator, omittingEmptySubsequences: false)
    }

    /// Cuts every string in value position (not followed by `:`) out of `text`, numbered in order.
    ///
    /// - Returns: The template and the strings; nil when `text` holds a control character.
    static func splitInput(_ text: String) -> (template: String, values: [String])? {
        var values: [String] = []
        let template = cut(text) { token in
            values.append(String(decoding: token, as: UTF8.self))
            return values.count - 1
        }
        return template.map { ($0, values) }
    }

    /// Cuts out of `text` every string in value position that equals one of `values` (a hole naming the first
    /// equal one); with `keepUnmatched` false, the other such strings too, as extra values numbered after
    /// `values`.
    ///
    /// - Returns: The template and the extra values; nil when `text` holds a control character.
    static func splitPayload(_ text: String, values: [String], keepUnmatched: Bool) -> PayloadSplit? {
        var extras: [String] = []
        let template = cut(text) { token -> Int? in
            let string = String(decoding: token, as: UTF8.self)
            if let index = values.firstIndex(of: string) { return index }
            if keepUnmatched { return nil }
            extras.append(string)
            return values.count + extras.count - 1
        }
        return template.map { ($0, extras) }
    }

    /// The template of `text`: each string in value position without an escape for which `hole` gives an
    /// index becomes that hole. Nil when `text` holds a control character.
    private static func cut(_ text: String, hole: (ArraySlice<UInt8>) -> Int?) -> String? {
        let bytes = Array(text.utf8)
        var template: [UInt8] = []
        template.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard byte >= 0x20 else { return nil }
            guard byte == UInt8(ascii: "\"") else {
                template.append(byte)
                i += 1
                continue
            }
            // A string token: find its closing quote, noting any escape.
            var j = i + 1
            var escaped = false
            while j < bytes.count && bytes[j] != UInt8(ascii: "\"") {
                guard bytes[j] >= 0x20 else { return nil }
                if bytes[j] == UInt8(ascii: "\\") {
                    escaped = true
                    j += 1
                }
                j += 1
            }
            guard j < bytes.count else {
                // Unterminated: the rest is literal.
                template.append(contentsOf: bytes[i...])
                break
            }
            let isKey = j + 1 < bytes.count && bytes[j + 1] == UInt8(ascii: ":")
            if !escaped, !isKey, let index = hole(bytes[(i + 1)..<j]) {
                template.append(UInt8(ascii: "\""))
                template.append(0x01)
                template.append(contentsOf: String(index).utf8)
                template.append(0x02)
                template.append(UInt8(ascii: "\""))
            } else {
                template.append(contentsOf: bytes[i...j])
            }
            i = j + 1
        }
        return String(decoding: template, as: UTF8.self)
    }
}
