import Foundation
import OrderBatchCore

/// A Juspay job in a temp folder, its state database, input files, and a ``RunCoordinator`` wired to a
/// ``FakeJuspayTransport`` and a ``RecordingRunObserver``.
struct RunCoordinatorFixture {
    let directory = StoreTestDirectory()
    let job: Job

    /// Generous time budgets: a test machine under load must not fail rows by time.
    ///
    /// - Parameter settings: Extra job-file lines (YAML).
    /// - Throws: What writing the job file or ``JobParser/load(path:registry:)`` throws.
    init(settings: String = "") throws {
        let text = """
            name: coordinator-test
            provider: juspay
            endpoint: sandbox
            merchant_id: m1
            state: state.sqlite
            concurrency: 2
            timeouts:
              request: 30s
              item: 120s
            retry:
              max_attempts: 2
              backoff_base: 10ms
              backoff_max: 20ms
            breaker:
              consecutive_failures: 3
            preflight: true

            """ + settings
        let path = directory.path("job.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        job = try JobParser.load(path: path)
    }

    var db: String { job.state }

    /// Writes a CSV input of `orders` (amounts 10.50, 11.50, …) and returns its path.
    func input(_ name: String = "in.csv", orders: [String], amounts: [String]? = nil) throws -> String {
        var lines = ["order_id,routing_id,amount"]
        for (i, order) in orders.enumerated() {
            lines.append("\(order),cust\(i),\(amounts?[i] ?? "\(10 + i).50")")
        }
        let path = directory.path(name)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A `run` request for `input`.
    func request(
        _ input: String, runID: String, overrides: RunOverrides = RunOverrides(), dryRun: Bool = false
    )
        -> NewRunRequest
    {
        var overrides = overrides
        overrides.input = input
        return NewRunRequest(
            job: job, inputPath: input, format: .csv, db: db, runID: runID, overrides: overrides, dryRun: dryRun)
    }

    /// The environment the coordinator reads the job's credentials from.
    var environment = ["JUSPAY_API_KEY": "test-key"]

    /// A coordinator sending through `transport`, reporting to `observer`, with the job's module building the
    /// client from ``environment``.
    func coordinator(
        _ transport: FakeJuspayTransport, observer: RecordingRunObserver = RecordingRunObserver(),
        registry: ProviderRegistry = .standard
    )
        -> RunCoordinator
    {
        RunCoordinator(
            registry: registry, environment: environment,
            resolveEndpoint: { _, _ in RunEndpoint(baseURL: "http://juspay.test") },
            makeTransport: { _, _ in RunTransport(transport: transport) }, observer: observer, quiet: false)
    }

    /// The run as recorded.
    func storedRun(_ id: String) throws -> StoredRun { try StoredRun.open(path: db, runID: id) }
}
