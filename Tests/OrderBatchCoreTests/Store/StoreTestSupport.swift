import Foundation
import OrderBatchCore

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
