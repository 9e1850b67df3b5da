/// The `application/x-www-form-urlencoded` serializer of the WHATWG URL Standard
/// (<https://url.spec.whatwg.org/#concept-urlencoded-serializer>), which Juspay's Update Order
/// body uses (FACTS.md §1.1).
///
/// Each name and value is taken as UTF-8; the bytes of ASCII letters, digits and `*-._` pass
/// unchanged, a space becomes `+`, and every other byte becomes `%XX` (uppercase hex). So `&`,
/// `=`, `+`, `%`, `~` and every non-ASCII character are percent-encoded and can never be read
/// as a separator.
///
/// ```swift
/// FormEncoding.encode([("amount", "90"), ("udf1", "a&b=c+d e")])  // amount=90&udf1=a%26b%3Dc%2Bd+e
/// FormEncoding.encodeComponent("é")                                // %C3%A9
/// ```
public enum FormEncoding {
    /// Serializes name–value pairs in order, joined by `&`.
    ///
    /// - Parameter pairs: The names and values, in the order they go on the wire.
    /// - Returns: The body text (ASCII only).
    public static func encode(_ pairs: [(name: String, value: String)]) -> String {
        var body = Body()
        for pair in pairs { body.append(name: pair.name, value: pair.value) }
        return String(decoding: body.bytes, as: UTF8.self)
    }

    /// Encodes one name or value.
    ///
    /// - Parameter text: The name or value.
    /// - Returns: The encoded text (ASCII only).
    public static func encodeComponent(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        appendComponent(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of one name or value to `out`.
    static func appendComponent(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "+"))
            } else if isUnescaped(byte) {
                out.append(byte)
            } else {
                PercentEncoding.append(byte, to: &out)
            }
        }
    }

    private static func isUnescaped(_ byte: UInt8) -> Bool {
        PercentEncoding.isAlphanumeric(byte) || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
    }
}

/// The byte-level pieces shared by ``FormEncoding`` and ``PathSegment``.
enum PercentEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends `%XX` (uppercase hex) for `byte`.
    static func append(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "%"))
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
    }

    /// ASCII `A-Z`, `a-z`, `0-9`.
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            false
        }
    }
}
