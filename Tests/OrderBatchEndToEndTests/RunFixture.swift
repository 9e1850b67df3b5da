import Foundation
import OrderBatchCore
import OrderBatchEmulator
import OrderBatchTestSupport
import Testing

/// The `orderbatch` binary, run to completion with explicit credentials in its environment.
enum OrderBatchCLI {
    /// The demo credentials the emulator accepts when the environment sets none.
    static let demoEnvironment: [String: String?] = [
        "JUSPAY_API_KEY": "jp_demo_key", "RAPYD_ACCESS_KEY": "rak_demo_access", "RAPYD_SECRET_KEY": "rsk_demo_secret",
        "JUSPAY_MERCHANT_ID": nil,
    ]

    /// Runs `orderbatch ARGS` with the demo credentials (overridden by `environment`).
    static func run(
        _ arguments: [String], environment: [String: String?] = [:], timeout: Double = 60
    ) async throws -> (exit: ChildProcess.Exit, stdout: String, stderr: String) {
        try await ChildProcess.run(
            try BinaryLocator.orderbatch(), arguments,
            environment: demoEnvironment.merging(environment) { $1 }, timeout: timeout)
    }

    /// Starts `orderbatch ARGS` in the background with the demo credentials.
    static func start(_ arguments: [String], environment: [String: String?] = [:]) throws -> ChildProcess {
        try ChildProcess(
            try BinaryLocator.orderbatch(), arguments, environment: demoEnvironment.merging(environment) { $1 })
    }

    /// `orderbatch status RUN --db DB --json`'s counts, or nil while the run is not recorded yet.
    static func counts(run: String, db: String) async throws -> [String: Int]? {
        let result = try await Self.run(["status", run, "--db", db, "--json"])
        guard result.exit.status == 0 else { return nil }
        return try JSON.object(result.stdout)["counts"] as? [String: Int]
    }

    /// Polls the state database until `condition` holds for the run's counts (keyed as in `status
    /// --json`), and returns them. Reads the store in this process: spawning `status` every few
    /// milliseconds would be too slow on a loaded machine to catch a run mid-way.
    static func waitForCounts(
        run: String, db: String, timeout: Double = 30, _ condition: ([String: Int]) -> Bool
    ) async throws -> [String: Int] {
        let deadline = Date().addingTimeInterval(timeout)
        var store: (any RunStore)?
        defer { try? store?.close() }
        while Date() < deadline {
            if store == nil, StateDatabase.isPostgres(db) || FileManager.default.fileExists(atPath: db) {
                store = try? StateDatabase.open(db, purpose: .read)
            }
            if let c = try? store?.counts(runID: run) {
                var counts = Dictionary(uniqueKeysWithValues: c.byState.map { ($0.state, $0.count) })
                counts["total"] = c.total
                if condition(counts) { return counts }
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw ChildProcess.Timeout(what: "run \(run) to reach the expected counts")
    }
}

/// JSON parsing for assertions.
enum JSON {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }
}

/// A temporary directory of its own for one test: job files, inputs, the state database.
struct Workspace {
    let directory: String
    /// The state database every job of this workspace uses: `state.sqlite` in the directory, or a schema of
    /// its own on the test PostgreSQL server.
    let db: String
    let store: StoreKind

    /// - Parameter store: Where the workspace's runs are recorded.
    /// - Throws: ``TestPostgres/Missing`` for PostgreSQL without a test server.
    init(store: StoreKind = .sqlite) throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("orderbatch-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.store = store
        db = store == .sqlite ? directory + "/state.sqlite" : try TestPostgres.freshURL("e2e")
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// `--db` as a command line the binary prints shows it (quoted when it holds `?` or `&`).
    var dbWord: String { ShellWord.quote(db) }

    /// Opens the workspace's state database in this process.
    func openStore() throws -> any RunStore { try StateDatabase.open(db, purpose: .read) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// A Juspay CSV of `count` rows, order ids `PREFIXnnnnn`, distinct amounts.
    @discardableResult
    func juspayCSV(_ name: String, prefix: String, count: Int) throws -> String {
        var text = "order_id,routing_id,amount,udf1\n"
        for i in 1...count {
            text += "\(Self.orderID(prefix, i)),cust\(i),\(i).50,e2e\n"
        }
        return try write(name, text)
    }

    static func orderID(_ prefix: String, _ i: Int) -> String {
        prefix + String(repeating: "0", count: max(0, 5 - String(i).count)) + String(i)
    }

    /// A job file: `name`, `provider`, `endpoint`, the workspace's state database, then `extra` lines.
    @discardableResult
    func job(
        _ name: String, provider: String = "juspay", endpoint: String, input: String? = nil, extra: String = ""
    ) throws -> String {
        var text = "name: \(name)\nprovider: \(provider)\nendpoint: \(endpoint)\nstate: \"\(db)\"\n"
        if provider == "juspay" { text += "merchant_id: demo_merchant\n" }
        if let input { text += "input: \(input)\n" }
        return try write(name + ".yaml", text + extra)
    }

    /// Every row of `run` as the store holds it.
    func items(run: String) throws -> [StoredItem] {
        let store = try openStore()
        defer { try? store.close() }
        var items: [StoredItem] = []
        try store.forEachItem(runID: run, states: nil) { items.append($0) }
        return items
    }

    /// Every byte of the state database, with its WAL and shared-memory files.
    func databaseBytes() -> Data {
        var data = Data()
        for suffix in ["", "-wal", "-shm", "-journal"] {
            if let bytes = FileManager.default.contents(atPath: db + suffix) { data.append(bytes) }
        }
        return data
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// `orderbatch emulator` as a separate process, so it outlives a client killed mid-run and its
/// counters can be read over HTTP.
final class ExternalEmulator: @unchecked Sendable {
    /// The listening line's URL.
    private static let listening = #"^emulator listening on (http://127\.0\.0\.1:([0-9]+)) "#

    private(set) var process: ChildProcess
    private(set) var url: String
    private(set) var port: Int

    /// Starts `orderbatch emulator --port 0 ARGS` with the demo credentials (or `environment`).
    init(_ arguments: [String] = [], environment: [String: String?] = [:]) async throws {
        (process, url, port) = try await Self.launch(port: 0, arguments, environment: environment)
    }

    private static func launch(
        port: Int, _ arguments: [String], environment: [String: String?]
    ) async throws -> (ChildProcess, String, Int) {
        let child = try OrderBatchCLI.start(["emulator", "--port", String(port)] + arguments, environment: environment)
        let line = try await child.firstLine()
        let match = try #require(line.firstMatch(of: try Regex(listening)), "unexpected line: \(line)")
        let url = try #require(match.output[1].substring.map(String.init))
        let bound = try #require(match.output[2].substring.flatMap { Int($0) })
        return (child, url, bound)
    }

    /// The emulator's counters.
    func stats() async throws -> EmulatorStats {
        let response = try await HTTPProbe.send("GET", url + "/__emulator/stats")
        try #require(response.status == 200, "stats: \(response.status) \(response.body)")
        return try JSONDecoder().decode(EmulatorStats.self, from: Data(response.body.utf8))
    }

    /// Switches the running emulator's latency model (`none` or `juspay`), orders and counters kept: a drill
    /// runs slowly enough to be interrupted mid-way, however late a loaded machine runs the test, then
    /// resumes quickly against the same orders.
    func setLatency(_ model: String) async throws {
        let response = try await HTTPProbe.send("POST", url + "/__emulator/latency/" + model)
        try #require(response.status == 200, "latency: \(response.status) \(response.body)")
    }

    /// Stops the emulator (SIGTERM) and waits for it.
    func stop() async throws {
        process.send(SIGTERM)
        _ = try await process.exit()
    }

    /// Stops this emulator and starts another with `arguments` on the same port, so that a run
    /// recorded with this endpoint reaches the new one (counters start from zero).
    func restart(_ arguments: [String] = [], environment: [String: String?] = [:]) async throws {
        try await stop()
        var lastError: (any Error)?
        for _ in 0..<40 {
            do {
                (process, url, port) = try await Self.launch(port: port, arguments, environment: environment)
                return
            } catch {
                lastError = error
                try await Task.sleep(nanoseconds: 50_000_000)
            }
        }
        throw lastError ?? ChildProcess.Timeout(what: "the emulator to listen again on port \(port)")
    }
}
