import Foundation

/// A value the store binds to a `$n` parameter, sent as text (PostgreSQL casts it to the column's type).
protocol PostgresBindable {
    /// The parameter's text, or nil for SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    var postgresText: String? { self }
}

extension Int: PostgresBindable {
    var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    var postgresText: String? { String(self) }
}

extension Int32: PostgresBindable {
    var postgresText: String? { String(self) }
}

extension Double: PostgresBindable {
    /// Round-trip exact (Swift prints the shortest text that reads back as the same double).
    var postgresText: String? { "\(self)" }
}

extension Bool: PostgresBindable {
    var postgresText: String? { self ? "true" : "false" }
}

extension Date: PostgresBindable {
    /// Seconds since 1970; the SQL turns it into a timestamp with `to_timestamp($n::float8)`.
    var postgresText: String? { "\(timeIntervalSince1970)" }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    var postgresText: String? { self?.postgresText }
}
