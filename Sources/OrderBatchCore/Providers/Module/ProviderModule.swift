/// Everything provider-specific on the client's side, in one place: its name, its job-file keys,
/// its credentials, its hosts, its defaults, its row rules and its wire client.
///
/// A provider is one folder under `Providers/` holding a value of this protocol, listed once in
/// ``ProviderRegistry/standard``. The job parser, the commands, the executor and the store only ever
/// see a ``ProviderKind`` (a module found by its name in a ``ProviderRegistry``), never a provider.
///
/// ```swift
/// struct AcmeModule: ProviderModule {
///     let name = "acme"
///     let displayName = "Acme"
///     let endpoints = ProviderEndpoints(sandbox: "https://sandbox.acme.test", production: "https://api.acme.test")
///     let defaults = ProviderDefaults(concurrency: 4, rateLimit: [], requestTimeout: 5000)
///     let typicalLatency = ProviderLatency(meanMilliseconds: 200, source: "assumed: Acme publishes none")
///     let credentials = [CredentialSpec(key: "api_key_env", defaultVariable: "ACME_API_KEY", emulatorDemo: "demo")]
///     func makeValidator() -> any RowValidator { AcmeValidator() }
///     func makeClient(job: Job, credentials: ProviderCredentials, baseURL: String, transport: any HTTPTransport)
///         -> any ProviderClient { AcmeClient(…) }
/// }
/// ```
public protocol ProviderModule: Sendable {
    /// The job file's `provider:` value, also recorded as the run's provider (`runs.provider`): `juspay`.
    var name: String { get }
    /// The provider's name in messages: `Juspay`.
    var displayName: String { get }
    /// The hosts of `endpoint: sandbox` and `endpoint: production`.
    var endpoints: ProviderEndpoints { get }
    /// Concurrency, rate limits, request timeout and preflight when the job file does not say.
    var defaults: ProviderDefaults { get }
    /// How long the provider typically takes to answer, for `orderbatch plan`'s duration estimate.
    var typicalLatency: ProviderLatency { get }
    /// The `credentials:` sub-keys, each naming an environment variable, in the order they are read.
    var credentials: [CredentialSpec] { get }
    /// Top-level job-file keys only this provider's jobs may have (`merchant_id`), listed among the known
    /// keys after `state`.
    var jobKeys: [String] { get }
    /// Top-level job-file sections only this provider's jobs may have (`juspay:`), listed among the known
    /// keys after `credentials`.
    var jobSections: [String] { get }
    /// The keys of each of ``jobSections`` (`juspay: [update_statuses]`), as its ``readSettings(_:)`` checks them.
    var jobSectionKeys: [String: [String]] { get }
    /// This provider's own keys as `orderbatch init` writes them: each of ``jobKeys`` and of ``jobSectionKeys``
    /// (dotted), with its default or a placeholder, and a comment.
    var jobTemplate: [JobTemplateEntry] { get }
    /// The names of the emulator latency models this provider contributes (`juspay`), offered by the job
    /// file's `emulator: latency:` beside `none`.
    var emulatorLatencyModels: [String] { get }

    /// Reads this provider's own keys (``jobKeys``, ``jobSections``) from a job of this provider.
    ///
    /// - Throws: ``JobError`` naming the key and line, as every job-file error does.
    func readSettings(_ job: inout ProviderJobSection) throws(JobError) -> ProviderSettings

    /// Refuses this provider's own keys in a job of another provider.
    ///
    /// - Parameters:
    ///   - job: The job file of the other provider's job, where this provider's keys are looked for.
    ///   - provider: The job's provider, for the message.
    /// - Throws: ``JobError`` naming the key.
    func refuseKeys(_ job: inout ProviderJobSection, inJobOf provider: String) throws(JobError)

    /// The row rules: checks one input row and makes its typed update (stored as its payload).
    func makeValidator() -> any RowValidator

    /// The wire client for one run.
    ///
    /// - Parameters:
    ///   - job: The job, with this provider's ``ProviderSettings``.
    ///   - credentials: The secrets, by ``CredentialSpec/key``.
    ///   - baseURL: Where requests go (an ``Endpoint``'s host, or the built-in emulator's).
    ///   - transport: What sends them.
    /// - Returns: The client that sends this provider's requests for the run's rows.
    func makeClient(
        job: Job, credentials: ProviderCredentials, baseURL: String, transport: any HTTPTransport
    ) -> any ProviderClient

    /// The provider account the job's requests count against, for a rate limit shared by every job on it
    /// (`rate_limit_scope: account`): a merchant id, or a hash of an access key (``ProviderAccount``), never
    /// a secret itself (it is written to the database). By default, the hash of the first credential.
    func accountIdentity(job: Job, credentials: ProviderCredentials) -> String

    /// For `endpoint: emulator`: the environment the built-in emulator reads this provider's credentials
    /// from, under the emulator's variable names, so it accepts what the client sends.
    func emulatorEnvironment(job: Job, credentials: ProviderCredentials) -> [String: String]
}

extension ProviderModule {
    public var jobKeys: [String] { [] }
    public var jobSections: [String] { [] }
    public var jobSectionKeys: [String: [String]] { [:] }
    /// Each of ``jobKeys``, with a placeholder value.
    public var jobTemplate: [JobTemplateEntry] {
        jobKeys.map { JobTemplateEntry(key: $0, value: "CHANGE_ME", comment: "required by \(displayName)") }
    }
    public var emulatorLatencyModels: [String] { [] }

    /// No keys of its own: ``ProviderSettings/none``.
    public func readSettings(_ job: inout ProviderJobSection) throws(JobError) -> ProviderSettings { .none }

    /// Refuses each of ``jobKeys`` and ``jobSections``: "is a setting of ACME; juspay jobs do not use it".
    public func refuseKeys(_ job: inout ProviderJobSection, inJobOf provider: String) throws(JobError) {
        for key in jobKeys + jobSections where job.contains(key) {
            throw job.error(key, nil, "is a setting of \(displayName); \(provider) jobs do not use it")
        }
    }

    /// Each credential under its ``CredentialSpec/defaultVariable``.
    public func emulatorEnvironment(job: Job, credentials: ProviderCredentials) -> [String: String] {
        var environment: [String: String] = [:]
        for spec in self.credentials { environment[spec.defaultVariable] = credentials[spec.key].reveal() }
        return environment
    }
}
