/// Decoding of `application/x-www-form-urlencoded` bodies and percent-encoded path segments.
///
/// Written independently of the client's encoder, so a disagreement between the two is caught.
/// Reference: WHATWG URL Standard, "application/x-www-form-urlencoded parsing".
enum FormDecoding {
    /// Why a form body or path segment could not be decoded.
    struct Failure: Error, Equatable {
        /// What was wrong, for the 400 body.
        var reason: String
    }

    /// Decodes a form body into name–value pairs in the order received.
    ///
    /// Strict where the WHATWG parser is lenient, because a lenient emulator would hide client bugs:
    /// an empty pair (`a=1&&b=2`), a pair without `=`, an empty name, a `%` not followed by two hex
    /// digits, and bytes that are not UTF-8 after decoding are all refused. `+` decodes to a space.
    /// An empty body decodes to no pairs.
    ///
    /// - Parameter body: The raw body bytes.
    /// - Returns: The pairs, in order; names may repeat.
    /// - Throws: ``Failure`` naming the problem.
    static func decodeForm(_ body: [UInt8]) throws(Failure) -> [(name: String, value: String)] {
        guard !body.isEmpty else { return [] }
        var pairs: [(name: String, value: String)] = []
        for segment in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
            guard let equals = segment.firstIndex(of: UInt8(ascii: "=")) else {
                throw Failure(reason: segment.isEmpty ? "empty form pair" : "form pair without '='")
            }
            let name = try percentDecode(segment[segment.startIndex..<equals], plusIsSpace: true)
            let value = try percentDecode(segment[(equals + 1)...], plusIsSpace: true)
            guard !name.isEmpty else { throw Failure(reason: "empty form field name") }
            pairs.append((name, value))
        }
        return pairs
    }

    /// Percent-decodes bytes into a UTF-8 string.
    ///
    /// - Parameters:
    ///   - bytes: The encoded bytes.
    ///   - plusIsSpace: Whether `+` means a space (form bodies) or itself (paths).
    /// - Returns: The decoded text.
    /// - Throws: ``Failure`` for a bad `%` escape or invalid UTF-8.
    static func percentDecode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, plusIsSpace: Bool
    ) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first != bytes.endIndex, bytes.index(after: first) != bytes.endIndex,
                    let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)])
                else { throw Failure(reason: "invalid percent escape") }
                out.append(high << 4 | low)
                index = bytes.index(first, offsetBy: 2)
                continue
            }
            out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index = bytes.index(after: index)
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw Failure(reason: "invalid UTF-8") }
        return text
    }
}
