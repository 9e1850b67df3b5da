/// A column of values sent as one `$n` parameter: a PostgreSQL array literal (`{"a","b",NULL}`), which the SQL
/// casts (`$1::bigint[]`) and spreads into rows with `unnest`, so that a whole group of rows travels in one
/// statement.
///
/// Every element is quoted (backslashes and double quotes escaped), so no text can end the literal early or
/// pass for `NULL`; a nil element is the unquoted `NULL`.
///
/// ```swift
/// let seqs = PostgresArray(results.map(\.seq))
/// try db.query("SELECT count(*) FROM unnest($1::bigint[])", [seqs])
/// ```
struct PostgresArray: PostgresBindable {
    /// The literal.
    let postgresText: String?

    /// The array of `values`, each as ``PostgresBindable/postgresText``.
    init(_ values: [any PostgresBindable]) {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            guard let element = value.postgresText else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in element.unicodeScalars {
                if character == "\\" || character == "\"" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        postgresText = text + "}"
    }
}
