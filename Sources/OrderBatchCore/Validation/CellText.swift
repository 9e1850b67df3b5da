import Foundation

/// Reading cells as text and checking characters, shared by the provider validators.
enum CellText {
    /// The text of a cell, nil when it is empty or JSON null (a field left unset), or an issue
    /// when a JSONL member has a type that is not text. Numbers are accepted as their literal
    /// text when `allowNumber`.
    static func text(
        _ value: CellValue, column: String, line: Int, allowNumber: Bool = false
    ) -> Result<String?, InputIssue> {
        switch value {
        case .text(let s): return .success(s.isEmpty ? nil : s)
        case .json(.string(let s)): return .success(s.isEmpty ? nil : s)
        case .json(.null): return .success(nil)
        case .json(.number(let n)) where allowNumber: return .success(n.text)
        case .json(let other):
            return .failure(InputIssue(
                line: line, column: column,
                message: "must be \(allowNumber ? "a number or a string" : "a string"), not \(other.typeName)"))
        }
    }

    /// The first control character (C0, DEL, C1, or a Unicode line/paragraph separator) in
    /// `text`, described for a message, or nil.
    static func firstControlCharacter(_ text: String) -> String? {
        if !mayHoldControlCharacter(text.utf8) { return nil }
        for (offset, u) in text.unicodeScalars.enumerated() {
            let v = u.value
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 {
                return String(format: "U+%04X at character %d", v, offset + 1)
            }
        }
        return nil
    }

    /// False when `text` certainly holds no control character: no byte below 0x20, no 0x7F,
    /// and no 0xC2 or 0xE2 (the lead bytes of the C1 controls and of U+2028/U+2029).
    @inline(__always)
    static func mayHoldControlCharacter(_ text: String.UTF8View) -> Bool {
        for b in text where b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2 { return true }
        return false
    }

    /// True when every byte is printable ASCII (0x20…0x7E).
    @inline(__always)
    static func isPrintableASCII(_ text: String.UTF8View) -> Bool {
        for b in text where b &- 0x20 >= 0x5F { return false }
        return true
    }

    /// `text` with ASCII capitals lowered; equals `text.lowercased()` when `text` is ASCII.
    static func asciiLowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 &- 0x41 < 26 }) else { return text }
        return String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            var n = 0
            for b in text.utf8 {
                buffer[n] = b &- 0x41 < 26 ? b | 0x20 : b
                n += 1
            }
            return n
        }
    }

    /// True when every byte is an ASCII letter or digit.
    @inline(__always)
    static func isAlphanumericASCII(_ text: Substring.UTF8View) -> Bool {
        for b in text {
            let isDigit = b &- 0x30 < 10
            let isLetter = (b | 0x20) &- 0x61 < 26
            if !(isDigit || isLetter) { return false }
        }
        return true
    }

    /// Leading or trailing white space: refused in ids and amounts rather than silently trimmed.
    static func hasOuterSpace(_ text: String) -> Bool {
        guard let f = text.utf8.first, let l = text.utf8.last else { return false }
        return f == 0x20 || f == 0x09 || l == 0x20 || l == 0x09
    }
}

extension JSONValue {
    /// `an object`, `a number`… for messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
