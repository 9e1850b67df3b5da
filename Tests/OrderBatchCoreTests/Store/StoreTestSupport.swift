import Foundation
import OrderBatchCore
import OrderBatchTestSupport
import Testing

/// A fresh directory for one test's database files, removed when the test's suite instance goes away.
final class StoreTestDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A path for a database file in the directory.
    func path(_ name: String = "orderbatch.sqlite") -> String {
        url.appendingPathComponent(name).path
    }
}

/// A settable clock for lease and timestamp tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) { current = start }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(_ seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        current += seconds
    }

    var function: @Sendable () -> Date { { [self] in self.now } }
}

enum StoreFixtures {
    static func newRun(
        id: String = "r1", jobName: String = "reprice", sha: String = "aa11", createdAt: Date = Date()
    ) -> NewRun {
        NewRun(
            id: id, jobName: jobName, jobPath: "jobs/\(jobName).yaml", jobText: "name: \(jobName)\nprovider: juspay\n",
            provider: "juspay", inputPath: "in.csv", inputSHA256: sha, optionsJSON: #"{"concurrency":8}"#,
            createdAt: createdAt)
    }

    /// Valid rows `from...to`, except those in `invalid`.
    static func items(_ range: ClosedRange<Int64>, invalid: Set<Int64> = []) -> [NewItem] {
        range.map { seq in
            let input = #"{"order_id":"ORD\#(seq)","amount":"\#(seq).00"}"#
            if invalid.contains(seq) {
                return .invalid(seq: seq, line: Int(seq) + 1, inputJSON: input, errorMessage: "amount: not a number")
            }
            return .pending(
                seq: seq, line: Int(seq) + 1, orderID: "ORD\(seq)", payload: #"{"amount":"\#(seq).00"}"#,
                inputJSON: input)
        }
    }
}

extension StoreKind: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}

/// One test's database: a SQLite file in a fresh directory, or a fresh schema on the test server; every
/// store ``open(clock:)`` returns shares it, as processes on one database do.
final class TestDatabase: Sendable {
    let kind: StoreKind
    /// The SQLite file's path, or the PostgreSQL URL.
    let location: String

    /// A new, empty database of `kind`: for SQLite, the file `name` in `directory` (which the test keeps, and
    /// deletes when it ends).
    ///
    /// - Throws: ``TestPostgres/Missing`` for PostgreSQL when no test server is configured.
    init(_ kind: StoreKind, in directory: StoreTestDirectory, name: String = "orderbatch.sqlite") throws {
        self.kind = kind
        switch kind {
        case .sqlite: location = directory.path(name)
        case .postgres: location = try TestPostgres.freshURL("store")
        }
    }

    /// A store on the database; with `clock`, its "now" follows the test's clock (SQLite reads it; PostgreSQL
    /// shifts the server's `now()` by its distance from the real time).
    func open(clock: TestClock? = nil) throws -> any RunStore {
        switch kind {
        case .sqlite:
            let store: SQLiteRunStore
            if let clock {
                store = try SQLiteRunStore(path: location, clock: clock.function)
            } else {
                store = try SQLiteRunStore(path: location)
            }
            return store
        case .postgres: return try PostgresRunStore(url: try PostgresURL(location), clock: clock?.function)
        }
    }

    /// Whether two timestamps are the same for this store: equal for SQLite (it reads the test clock), within a
    /// second for PostgreSQL (it reads the server's clock, shifted by the test clock's offset).
    func same(_ a: Date?, _ b: Date) -> Bool {
        guard let a else { return false }
        return kind == .sqlite ? a == b : abs(a.timeIntervalSince(b)) < 1
    }
}
