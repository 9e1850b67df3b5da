internal import CLibPQ

/// One result of a statement: owns the `PGresult*` and frees it (`PQclear`) when released.
///
/// Values are read as text (the store asks libpq for text results) and converted here; a column that is
/// NULL reads as nil.
///
/// Related libpq documentation: <https://www.postgresql.org/docs/current/libpq-exec.html>
final class PostgresResult {
    private let handle: OpaquePointer

    /// Takes ownership of `handle`.
    init(taking handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    /// The number of rows returned.
    var rowCount: Int { Int(PQntuples(handle)) }

    /// The rows an INSERT, UPDATE or DELETE touched (`PQcmdTuples`); 0 for other statements.
    var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    /// Whether the value at `row`, `column` is NULL.
    func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) != 0
    }

    /// The value as text, or nil for NULL.
    func string(_ row: Int, _ column: Int) -> String? {
        guard !isNull(row, column), let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return nil }
        return String(cString: value)
    }

    /// The value as an integer, or nil for NULL or a value that is not one.
    func int64(_ row: Int, _ column: Int) -> Int64? {
        string(row, column).flatMap { Int64($0) }
    }

    /// The value as a double, or nil for NULL or a value that is not one.
    func double(_ row: Int, _ column: Int) -> Double? {
        string(row, column).flatMap { Double($0) }
    }

    /// The value as a boolean (`t`/`f`), or nil for NULL.
    func bool(_ row: Int, _ column: Int) -> Bool? {
        string(row, column).map { $0 == "t" || $0 == "true" }
    }
}

@available(*, unavailable)
extension PostgresResult: Sendable {}
