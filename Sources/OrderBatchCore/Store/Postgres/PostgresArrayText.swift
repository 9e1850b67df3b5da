/// PostgreSQL array literals (`{1,2,NULL}`, `{"a","b \"c\"",NULL}`), to bind a whole column of values as one
/// text parameter (`$2::bigint[]`) and turn a group of rows into one statement with `unnest`, rather than a
/// statement (and a round trip) per row.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO>
enum PostgresArrayText {
    /// An array of texts: every element double-quoted, `"` and `\` escaped with `\`, nil as `NULL`.
    static func texts(_ values: [String?]) -> String {
        var out = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { out += "\\" }
                out.unicodeScalars.append(character)
            }
            out += "\""
        }
        return out + "}"
    }

    /// An array of numbers (or booleans) as their ``PostgresBindable`` text, nil as `NULL`.
    static func values<Value: PostgresBindable>(_ values: [Value]) -> String {
        "{" + values.map { $0.postgresText ?? "NULL" }.joined(separator: ",") + "}"
    }
}
