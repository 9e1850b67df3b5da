// MARK: - Errors and message text

extension JSONParser {
    func duplicate(_ key: String, at offset: Int) -> JSONParseError {
        fail(at: offset, "duplicate key \"\(key)\" in object")
    }

    /// Builds the error for `offset`, working out its line and character column.
    func fail(at offset: Int, _ message: String) -> JSONParseError {
        let offset = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return JSONParseError(offset: offset, line: line, column: column, message: message)
    }

    /// `'x'`, `U+000A`, `'é'`, `byte 0xFF` or `end of input`, for messages.
    func describeByte(at i: Int) -> String {
        guard i < bytes.count else { return "end of input" }
        let b = bytes[i]
        switch b {
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(b)))'"
        case 0..<0x20, 0x7F: return hexScalar(UInt32(b))
        default:
            let length = utf8SequenceLength(at: i)
            guard length > 0 else { return "invalid UTF-8 \(describeInvalidByte(at: i))" }
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<i + length]), as: UTF8.self)
            if s == "\u{FEFF}" { return "byte-order mark (U+FEFF)" }
            return "'\(s)'"
        }
    }

    func describeInvalidByte(at i: Int) -> String {
        "byte 0x" + String(bytes[i], radix: 16, uppercase: true)
    }

    func describeEscapeChar(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? String(Character(Unicode.Scalar(c))) : hexScalar(UInt32(c))
    }

    func hexScalar(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    func hex4(_ v: UInt16) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
