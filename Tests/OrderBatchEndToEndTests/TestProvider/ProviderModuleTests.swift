import Foundation
import OrderBatchCore
import Testing

/// A provider registered from this test target (``LedgerModule``) runs end to end through the registry:
/// the job parser, the real SQLite store in a temp folder, the real executor (``RunDriver``) and the real
/// libcurl transport against a loopback server, for `run`, `resume` after a stop and `retry` of failed rows.
@Suite struct ProviderModuleTests {
    let registry = ProviderRegistry.standard.withAdditional([LedgerModule()])

    private func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func parse(_ text: String, registry: ProviderRegistry? = nil) throws(JobError) -> Job {
        try JobParser.parse(text: text, path: "jobs/x.yaml", registry: registry ?? self.registry)
    }

    private func parseError(_ text: String, registry: ProviderRegistry? = nil) -> String? {
        do {
            _ = try parse(text, registry: registry)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: - The job file

    @Test func theJobParserTakesTheProviderFromTheRegistry() throws {
        let job = try parse("name: l\nprovider: ledger\nendpoint: sandbox\nledger_book: main\n")
        #expect(job.provider.rawValue == "ledger")
        #expect(job.providerSettings.as(LedgerSettings.self) == LedgerSettings(book: "main"))
        #expect(job.concurrency == 1)
        #expect(job.timeouts.request == 2000)
        #expect(!job.preflight)
        #expect(job.credentials.variables == ["LEDGER_TOKEN"])
        #expect(job.endpoint.baseURL(for: job.provider) == "https://sandbox.ledger.test")
        #expect(registry.provider(named: "ledger") == job.provider)
    }

    @Test func messagesNameTheRegisteredProviders() {
        #expect(
            parseError("name: l\nprovider: acme\nendpoint: sandbox\n")?.hasSuffix(
                #"provider: must be juspay, rapyd or ledger (got "acme")"#) == true)
        #expect(
            parseError("name: l\nprovider: ledger\nendpoint: sandbox\n", registry: .standard)?.hasSuffix(
                #"provider: must be juspay or rapyd (got "ledger")"#) == true)
        #expect(
            parseError("name: l\nprovider: ledger\nendpoint: sandbox\n")?.hasSuffix(
                "ledger_book: is required for ledger") == true)
        #expect(
            parseError("name: l\nprovider: ledger\nendpoint: sandbox\nledger_book: main\nmerchant_id: m\n")?
                .hasSuffix("merchant_id: is a Juspay setting; ledger jobs do not use it") == true)
        #expect(
            parseError("name: j\nprovider: juspay\nendpoint: sandbox\nmerchant_id: m\nledger_book: main\n")?
                .hasSuffix("ledger_book: is a setting of Ledger; juspay jobs do not use it") == true)
        #expect(
            parseError(
                "name: l\nprovider: ledger\nendpoint: sandbox\nledger_book: main\ncredentials:\n  api_key_env: X\n")?
                .contains("unknown key; known keys here: token_env") == true)
        #expect(
            parseError("name: l\nprovider: ledger\nendpoint: sandbox\nledger_book: main\nbogus: 1\n")?
                .contains("known keys here: name, provider, endpoint, input, format, state, merchant_id, ledger_book,")
                == true)
    }

    @Test func credentialsComeFromTheModulesVariables() throws {
        let job = try parse(
            "name: l\nprovider: ledger\nendpoint: sandbox\nledger_book: b\ncredentials:\n  token_env: MY_TOKEN\n")
        #expect(throws: MissingCredential(name: "MY_TOKEN")) {
            try ProviderCredentials.read(for: job, environment: ["LEDGER_TOKEN": "t"])
        }
        #expect(try ProviderCredentials.read(for: job, environment: ["MY_TOKEN": "t"])["token_env"].reveal() == "t")
        let emulated = try parse("name: l\nprovider: ledger\nendpoint: emulator\nledger_book: b\n")
        let demo = try ProviderCredentials.read(for: emulated, environment: [:])
        #expect(demo["token_env"].reveal() == "ledger_demo")
        #expect(
            emulated.provider.module.emulatorEnvironment(job: emulated, credentials: demo) == [
                "LEDGER_TOKEN": "ledger_demo"
            ])
    }

    // MARK: - run, resume, retry

    @Test func runResumeAndRetryThroughTheRealStoreExecutorAndTransport() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let stop = StopFlag()
        // A stop (as SIGTERM would raise it) once the third update has been received.
        let server = try LedgerServer(token: "tok_1", refuseFirst: ["B2", "D4"], updateDelay: 0.1) { n in
            if n == 3 { stop.raise(.signal) }
        }
        defer { server.stop() }
        let orders = ["A1", "B2", "C3", "D4", "E5", "F6", "G7", "H8"]
        let input = "order_id,amount\n" + orders.enumerated().map { "\($1),\($0 + 1)" }.joined(separator: "\n") + "\n"
        try input.write(toFile: folder + "/rows.csv", atomically: true, encoding: .utf8)
        let jobPath = folder + "/ledger.yaml"
        try """
        name: ledger-proof
        provider: ledger
        endpoint: \(server.baseURL)
        ledger_book: main
        input: rows.csv
        retry:
          backoff_base: 10ms
          backoff_max: 20ms
        """.write(toFile: jobPath, atomically: true, encoding: .utf8)

        // `run`: validate, ingest, execute until the stop.
        let job = try JobParser.load(path: jobPath, registry: registry)
        let inputPath = try #require(job.input)
        let credentials = try ProviderCredentials.read(for: job, environment: ["LEDGER_TOKEN": "tok_1"])
        let validation = FileValidation(validator: job.provider.makeValidator(), columnsPerRecord: false)
        let report = try validation.run(source: InputFormat.csv.makeSource(path: inputPath), sourcePath: inputPath)
        #expect(report.isClean && report.rows == orders.count)

        let store = try SQLiteRunStore(path: job.state)
        defer { try? store.close() }
        try store.createRun(
            NewRun(
                id: "run-1", jobName: job.name, jobPath: job.path, jobText: job.text, provider: job.provider.rawValue,
                inputPath: inputPath, inputSHA256: try SHA256Hasher.hexDigest(ofFileAt: inputPath), optionsJSON: "{}",
                createdAt: Date()))
        _ = try Ingest.run(
            store: store, runID: "run-1", source: InputFormat.csv.makeSource(path: inputPath), sourcePath: inputPath,
            validation: validation, duplicates: report.duplicates)
        try store.setRunState(id: "run-1", .ready, reason: nil)

        let first = try await execute(job: job, store: store, credentials: credentials, stop: stop)
        #expect(first.stopReason == .signal)
        let stopped = try store.counts(runID: "run-1")
        #expect(stopped.pending > 0 && stopped.succeeded + stopped.failed >= 3)

        // `resume`: the recorded provider names the module again; the rows left are sent.
        let record = try #require(try store.run(id: "run-1"))
        #expect(record.provider == "ledger")
        let resumedJob = try JobParser.parse(text: record.jobText, path: record.jobPath, registry: registry)
        #expect(registry.provider(named: record.provider) == resumedJob.provider)
        _ = try store.recoverInterrupted(runID: "run-1")
        let second = try await execute(job: resumedJob, store: store, credentials: credentials, stop: StopFlag())
        #expect(second.stopReason == nil)
        let finished = try store.counts(runID: "run-1")
        #expect(finished.succeeded == 6 && finished.failed == 2 && finished.pending == 0)

        // `retry`: the failed rows again, under a new generation; each order applied exactly once.
        #expect(try store.startRetryGeneration(runID: "run-1", states: [.failed]) == 2)
        let third = try await execute(job: resumedJob, store: store, credentials: credentials, stop: StopFlag())
        #expect(third.stopReason == nil)
        let retried = try store.counts(runID: "run-1")
        #expect(retried.succeeded == orders.count && retried.failed == 0)
        #expect(server.applied == Dictionary(uniqueKeysWithValues: orders.map { ($0, 1) }))
    }

    /// What `RunSession.execute` does with a job: the module's client over libcurl, the job's limits.
    private func execute(
        job: Job, store: SQLiteRunStore, credentials: ProviderCredentials, stop: StopFlag
    ) async throws -> RunDriver.Result {
        let transport = CurlTransport(maxConcurrentTransfers: job.concurrency)
        let client = job.provider.module.makeClient(
            job: job, credentials: credentials, baseURL: try #require(job.endpoint.baseURL(for: job.provider)),
            transport: transport)
        let policy = ExecutorPolicy(job: job)
        let driver = RunDriver(store: store, runID: "run-1", client: client, policy: policy, stopFlag: stop)
        let counts = try store.counts(runID: "run-1")
        do {
            let result = try await driver.execute(totalItems: counts.total, failedSoFar: counts.failed)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }
}
