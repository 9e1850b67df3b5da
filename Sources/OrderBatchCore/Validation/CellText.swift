import Foundation

/// Reading cells as text and checking characters, shared by the provider validators.
enum CellText {
    /// The text of a cell, nil when it is empty or JSON null (a field left unset), or an issue
    /// when a JSONL member has a type that is not text. Numbers are accepted as their literal
    /// text when `allowNumber`: as written (`1E2`, `-0`), not normalised, so that the validator
    /// refuses the forms a CSV cell could not pass with either, and quotes what the file says.
    static func text(
        _ value: CellValue, column: String, line: Int, allowNumber: Bool = false
    ) -> Result<String?, InputIssue> {
        switch value {
        case .text(let s): return .success(s.isEmpty ? nil : s)
        case .json(.string(let s)): return .success(s.isEmpty ? nil : s)
        case .json(.null): return .success(nil)
        case .json(.number(let n)) where allowNumber: return .success(n.literal)
        case .json(let other):
            return .failure(
                InputIssue(
                    line: line, column: column,
                    message: "must be \(allowNumber ? "a number or a string" : "a string"), not \(other.typeName)"))
        }
    }

    /// The first control character (C0, DEL, C1, or a Unicode line/paragraph separator) in
    /// `text`, described for a message, or nil.
    static func firstControlCharacter(_ text: String) -> String? {
        if !mayHoldControlCharacter(text) { return nil }
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
    static func mayHoldControlCharacter(_ text: String) -> Bool {
        !allBytes(of: text) { b in b >= 0x20 && b != 0x7F && b != 0xC2 && b != 0xE2 }
    }

    /// True when every byte is printable ASCII (0x20…0x7E).
    @inline(__always)
    static func isPrintableASCII(_ text: String) -> Bool {
        text.withUTF8Bytes(isPrintableASCII)
    }

    /// True when every byte is printable ASCII (0x20…0x7E).
    @inline(__always)
    static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { b in b &- 0x20 < 0x5F }
    }

    /// True when `test` holds for every UTF-8 byte of `text`.
    ///
    /// Reads the bytes in place (``Swift/String/withUTF8Bytes(_:)``), which is several times
    /// faster than iterating `String.UTF8View` byte by byte on the validation hot path.
    @inline(__always)
    static func allBytes(of text: String, _ test: (UInt8) -> Bool) -> Bool {
        text.withUTF8Bytes { bytes in
            for b in bytes where !test(b) { return false }
            return true
        }
    }

    /// `text` with ASCII capitals lowered; equals `text.lowercased()` when `text` is ASCII.
    static func asciiLowercased(_ text: String) -> String {
        let lowered: String? = text.withUTF8Bytes { bytes in
            guard bytes.contains(where: { $0 &- 0x41 < 26 }) else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for i in bytes.indices {
                    let b = bytes[i]
                    buffer[i] = b &- 0x41 < 26 ? b | 0x20 : b
                }
                return bytes.count
            }
        }
        return lowered ?? text
    }

    /// True when every byte is an ASCII letter or digit.
    @inline(__always)
    static func isAlphanumericASCII(_ text: String) -> Bool {
        allBytes(of: text, isAlphanumericASCII(byte:))
    }

    /// True when every byte is an ASCII letter or digit.
    @inline(__always)
    static func isAlphanumericASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy(isAlphanumericASCII(byte:))
    }

    /// True when every byte is an ASCII letter or digit.
    @inline(__always)
    static func isAlphanumericASCII(_ text: Substring.UTF8View) -> Bool {
        text.allSatisfy(isAlphanumericASCII(byte:))
    }

    /// True when `b` is an ASCII letter or digit.
    @inline(__always)
    private static func isAlphanumericASCII(byte b: UInt8) -> Bool {
        b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26
    }

    /// Leading or trailing white space: refused in ids and amounts rather than silently trimmed.
    static func hasOuterSpace(_ text: String) -> Bool {
        text.withUTF8Bytes(hasOuterSpace)
    }

    /// Leading or trailing white space in the UTF-8 bytes of a cell.
    @inline(__always)
    static func hasOuterSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = bytes.first, let l = bytes.last else { return false }
        return f == 0x20 || f == 0x09 || l == 0x20 || l == 0x09
    }
}
