import OrderBatchCore

/// A provider that exists only in this test target: "ledger", registered with
/// `ProviderRegistry.standard.withAdditional([LedgerModule()])`. It proves that a provider is one
/// module: nothing in the job parser, the store, the executor or the transport knows it.
///
/// Job-file key of its own: `ledger_book` (required). Credential: `credentials: token_env`, default
/// `LEDGER_TOKEN`. Rows: CSV `order_id,amount`.
struct LedgerModule: ProviderModule {
    let name = "ledger"
    let displayName = "Ledger"
    let endpoints = ProviderEndpoints(sandbox: "https://sandbox.ledger.test", production: "https://api.ledger.test")
    let defaults = ProviderDefaults(concurrency: 1, rateLimit: [], requestTimeout: 2000, preflight: false)
    let typicalLatency = ProviderLatency(meanMilliseconds: 50, source: "assumed: a test provider")
    let credentials = [CredentialSpec(key: "token_env", defaultVariable: "LEDGER_TOKEN", emulatorDemo: "ledger_demo")]
    let jobKeys = ["ledger_book"]

    func readSettings(_ job: inout ProviderJobSection) throws(JobError) -> ProviderSettings {
        guard let (book, line) = try job.string("ledger_book") else {
            throw JobError(path: job.path, key: "ledger_book", message: "is required for ledger")
        }
        guard book.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw job.error("ledger_book", line, "must be letters and digits (got \"\(book)\")")
        }
        return ProviderSettings(LedgerSettings(book: book))
    }

    func makeValidator() -> any RowValidator { LedgerValidator() }

    func makeClient(
        job: Job, credentials: ProviderCredentials, baseURL: String, transport: any HTTPTransport
    ) -> any ProviderClient {
        LedgerClient(
            baseURL: baseURL, book: job.providerSettings.as(LedgerSettings.self)?.book ?? "",
            token: credentials["token_env"], transport: transport)
    }
}

/// `ledger_book`.
struct LedgerSettings: ProviderJobSettings, Equatable {
    var book: String
}
