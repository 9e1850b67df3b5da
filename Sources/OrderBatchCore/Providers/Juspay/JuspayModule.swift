import ProviderRules

/// Juspay Update Order, as a ``ProviderModule``: `merchant_id` and the `juspay:` section, the
/// `JUSPAY_API_KEY` credential, Juspay's hosts and guidance, ``JuspayValidator`` and ``JuspayClient``.
public struct JuspayModule: ProviderModule {
    public init() {}

    public let name = "juspay"
    public let displayName = "Juspay"
    public let endpoints = ProviderEndpoints(sandbox: "https://sandbox.juspay.in", production: "https://api.juspay.in")
    /// No published rate limit (FACTS §1.6); DUPLICATE_REQUEST shows concurrency per order matters, not
    /// overall. Timeout: Juspay's recommended 1000 ms (TP99.9-based).
    public let defaults = ProviderDefaults(concurrency: 8, rateLimit: [], requestTimeout: 1000)
    /// Juspay's published Update Order percentiles (TP50 19.85 ms, TP90 290.28 ms, TP99 429.57 ms), the
    /// table the emulator's `--latency juspay` draws from: a mean of about 106 ms.
    public let typicalLatency = ProviderLatency(
        percentiles: JuspayLatency.updateOrderPercentiles,
        source: "the mean of Juspay's published Update Order percentiles: TP50 19.85 ms, TP90 290 ms, TP99 430 ms")
    public let credentials = [
        CredentialSpec(
            key: "api_key_env", defaultVariable: JuspayCredentialRules.apiKeyVariable,
            emulatorDemo: JuspayCredentialRules.demoAPIKey)
    ]
    public let jobKeys = ["merchant_id"]
    public let jobSections = ["juspay"]
    public let jobSectionKeys = ["juspay": ["update_statuses"]]
    public var jobTemplate: [JobTemplateEntry] {
        [
            JobTemplateEntry(
                key: "merchant_id", value: "CHANGE_ME", comment: "required: your Juspay merchant id (x-merchantid)"),
            JobTemplateEntry(
                key: "juspay.update_statuses",
                value: "[" + JuspaySettings.defaultUpdateStatuses.joined(separator: ", ") + "]",
                comment: "statuses that may be updated; others are skipped (preflight)"),
        ]
    }
    public let emulatorLatencyModels = ["juspay"]

    public func readSettings(_ job: inout ProviderJobSection) throws(JobError) -> ProviderSettings {
        guard let merchantID = try Self.merchantID(&job) else {
            throw JobError(path: job.path, key: "merchant_id", message: "is required for juspay (sent as x-merchantid)")
        }
        var settings = JuspaySettings(merchantID: merchantID)
        if var j = try job.section("juspay") {
            if let (list, line) = try j.stringList("update_statuses") {
                let known = JuspaySettings.knownStatuses
                for s in list where !known.contains(s) {
                    throw j.error(
                        "update_statuses", line,
                        "\"\(s)\" is not a Juspay order status (\(known.joined(separator: ", ")))")
                }
                guard !list.isEmpty else { throw j.error("update_statuses", line, "must name at least one status") }
                settings.updateStatuses = list
            }
            try j.finish(known: jobSectionKeys["juspay", default: []])
        }
        return ProviderSettings(settings)
    }

    public func refuseKeys(_ job: inout ProviderJobSection, inJobOf provider: String) throws(JobError) {
        if try Self.merchantID(&job) != nil {
            throw JobError(
                path: job.path, key: "merchant_id", message: "is a Juspay setting; \(provider) jobs do not use it")
        }
        if job.contains("juspay") { throw job.error("juspay", nil, "is a section for juspay jobs only") }
    }

    /// `merchant_id`, checked; nil when absent.
    private static func merchantID(_ job: inout ProviderJobSection) throws(JobError) -> String? {
        guard let (m, line) = try job.string("merchant_id") else { return nil }
        guard !m.isEmpty, m.count <= 128, m.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw job.error("merchant_id", line, "must be printable ASCII without spaces")
        }
        return m
    }

    public func makeValidator() -> any RowValidator { JuspayValidator() }

    /// The merchant (`x-merchantid`): Juspay publishes no limit, but whatever it counts, it counts per merchant.
    public func accountIdentity(job: Job, credentials: ProviderCredentials) -> String {
        "merchant:" + job.juspay.merchantID
    }

    public func makeClient(
        job: Job, credentials: ProviderCredentials, baseURL: String, transport: any HTTPTransport
    ) -> any ProviderClient {
        let settings = job.juspay
        return JuspayClient(
            configuration: .init(
                baseURL: baseURL, merchantID: settings.merchantID, apiKey: credentials["api_key_env"],
                preflight: job.preflight, updatableStatuses: Set(settings.updateStatuses)),
            transport: transport)
    }

    public func emulatorEnvironment(job: Job, credentials: ProviderCredentials) -> [String: String] {
        [
            JuspayCredentialRules.apiKeyVariable: credentials["api_key_env"].reveal(),
            JuspayCredentialRules.merchantIDVariable: job.juspay.merchantID,
        ]
    }
}
