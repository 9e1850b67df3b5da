/// RFC 4180 field encoding for the CSV files orderbatch writes.
enum CSVFieldQuoting {
    /// Appends `field` to `out`, quoted when it holds a comma, a double quote, CR or LF
    /// (inner quotes doubled), as is otherwise.
    ///
    /// <https://www.rfc-editor.org/rfc/rfc4180#section-2>
    static func append(_ field: String, to out: inout [UInt8]) {
        let needsQuotes = field.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D
        }
        guard needsQuotes else {
            out.append(contentsOf: field.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in field.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
