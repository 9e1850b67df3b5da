/// Percent-encoding of one URL path segment, so that an order id is always exactly one segment.
///
/// Only RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) pass unchanged; every other byte
/// of the UTF-8 text becomes `%XX` (uppercase hex). `/`, `?`, `#`, `%`, space and every non-ASCII
/// character are therefore encoded, so an id can neither add a segment, start a query or fragment,
/// nor be decoded into something else. The segments `.` and `..` are encoded as `%2E` and `%2E%2E`
/// so that no client or proxy normalises them away.
///
/// ```swift
/// PathSegment.encode("ORD/1?x#y%")  // ORD%2F1%3Fx%23y%25
/// PathSegment.encode("é")           // %C3%A9
/// ```
public enum PathSegment {
    /// Encodes `text` as one path segment.
    ///
    /// - Parameter text: The raw segment (for example an order id).
    /// - Returns: The encoded segment (ASCII only).
    public static func encode(_ text: String) -> String {
        if text == "." { return "%2E" }
        if text == ".." { return "%2E%2E" }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if PercentEncoding.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
            {
                out.append(byte)
            } else {
                PercentEncoding.append(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `base` with `path` appended, removing trailing slashes from `base` so that no `//` appears.
    ///
    /// - Parameters:
    ///   - base: The configured base URL (`https://api.juspay.in`, or with a path prefix).
    ///   - path: An already-encoded absolute path (`/orders/ORD1`).
    /// - Returns: The absolute URL.
    static func join(base: String, path: String) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + path
    }
}
