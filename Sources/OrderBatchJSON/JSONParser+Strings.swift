// MARK: - Strings

extension JSONParser {
    mutating func parseString() throws(JSONParseError) -> String {
        let open = pos
        pos += 1  // opening quote
        let start = pos
        // Fast path: printable ASCII with no escapes is copied straight into the String.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            pos += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: scratch, as: UTF8.self)  // validated as it was copied
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0..<0x20:
                throw fail(at: pos, "unescaped control character \(hexScalar(UInt32(b))) in string")
            case 0x80...:
                let length = utf8SequenceLength(at: pos)
                guard length > 0 else { throw fail(at: pos, "invalid UTF-8 \(describeInvalidByte(at: pos))") }
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[pos..<pos + length]))
                pos += length
            default:
                scratch.append(b)
                pos += 1
            }
        }
        throw fail(at: open, "unterminated string")
    }

    /// Decodes the escape at `pos` (a backslash) into `scratch`.
    mutating func parseEscape() throws(JSONParseError) {
        let escapeStart = pos
        pos += 1
        guard pos < bytes.count else { throw fail(at: escapeStart, "unterminated escape sequence") }
        let c = bytes[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: escapeStart)
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate must be followed at once by an escaped low surrogate.
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                else { throw fail(at: escapeStart, "lone surrogate \\u\(hex4(unit)) in string") }
                let lowStart = pos
                pos += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail(at: escapeStart, "lone surrogate \\u\(hex4(unit)) in string")
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail(at: escapeStart, "lone surrogate \\u\(hex4(unit)) in string")
            }
            // Non-surrogate values and combined pairs are always valid scalars.
            if let scalar = Unicode.Scalar(scalarValue) {
                scratch.append(contentsOf: scalar.utf8)
            }
        default:
            throw fail(at: escapeStart, "invalid escape \\\(describeEscapeChar(c)) in string")
        }
    }

    mutating func parseHex4(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else { throw fail(at: escapeStart, "incomplete \\u escape; expected 4 hex digits") }
            let b = bytes[pos]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail(at: escapeStart, "invalid \\u escape; expected 4 hex digits")
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence (RFC 3629 table) starting at `i`, or 0.
    ///
    /// Refuses overlong forms, encoded surrogates (`ED A0…`) and values above U+10FFFF.
    func utf8SequenceLength(at i: Int) -> Int {
        let n = bytes.count
        let b0 = bytes[i]
        @inline(__always) func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            j < n && bytes[j] >= lo && bytes[j] <= hi
        }
        switch b0 {
        case 0xC2...0xDF: return cont(i + 1) ? 2 : 0
        case 0xE0: return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(i + 1) && cont(i + 2) ? 3 : 0
        case 0xED: return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0
        case 0xF0: return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF1...0xF3: return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF4: return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0
        default: return 0
        }
    }
}
