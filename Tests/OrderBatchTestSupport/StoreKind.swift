/// The state stores the tests run against: the SQLite file and a PostgreSQL database.
public enum StoreKind: String, CaseIterable, Sendable {
    case sqlite
    case postgres
}
