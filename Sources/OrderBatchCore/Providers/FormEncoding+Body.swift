extension FormEncoding {
    /// A form body built in place, pair by pair: the bytes of ``FormEncoding/encode(_:)`` for the same
    /// pairs, written into one buffer (no string per name or value; a request is built for every row).
    ///
    /// ```swift
    /// var body = FormEncoding.Body()
    /// body.append(name: "amount", value: "90")
    /// body.append(name: "udf1", value: "a&b")
    /// String(decoding: body.bytes, as: UTF8.self)  // amount=90&udf1=a%26b
    /// ```
    public struct Body: Sendable {
        /// The encoded body so far (ASCII only).
        public private(set) var bytes: [UInt8] = []

        /// An empty body with room for `capacity` bytes.
        public init(capacity: Int = 128) {
            bytes.reserveCapacity(capacity)
        }

        /// Appends `name=value`, after a `&` unless it is the first pair.
        public mutating func append(name: String, value: String) {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: "&")) }
            FormEncoding.appendComponent(name, to: &bytes)
            bytes.append(UInt8(ascii: "="))
            FormEncoding.appendComponent(value, to: &bytes)
        }
    }
}
