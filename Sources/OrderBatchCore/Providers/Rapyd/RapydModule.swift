import ProviderRules

/// Rapyd Update Order, as a ``ProviderModule``: the `RAPYD_ACCESS_KEY` and `RAPYD_SECRET_KEY` credentials,
/// Rapyd's hosts and WAF limits, ``RapydValidator`` and ``RapydClient``. No job-file keys of its own.
public struct RapydModule: ProviderModule {
    public init() {}

    public let name = "rapyd"
    public let displayName = "Rapyd"
    public let endpoints = ProviderEndpoints(
        sandbox: "https://sandboxapi.rapyd.net", production: "https://api.rapyd.net")
    /// Rapyd's WAF: 200 per minute and 1000 per 5 minutes (FACTS §2.6), the second blocking for 5 minutes.
    /// Rapyd counts on its own clock, where network jitter can bunch our evenly paced requests, so the
    /// default stays 5% below both ("a client-side limit below", FACTS §3.5). Rapyd publishes no timeout
    /// guidance: 5 s.
    public let defaults = ProviderDefaults(
        concurrency: 4, rateLimit: [RateWindow(limit: 190, seconds: 60), RateWindow(limit: 950, seconds: 300)],
        requestTimeout: 5000)
    /// Rapyd publishes no latency figures: 300 ms is an assumption (a signed JSON call to a remote API), said
    /// so in the estimate. At the default concurrency of 4 it allows 13 requests/s, far above the WAF's
    /// 3.2/s, so the estimate of a default Rapyd job does not depend on it.
    public let typicalLatency = ProviderLatency(
        meanMilliseconds: 300, source: "assumed: Rapyd publishes no latency figures")
    public let credentials = [
        CredentialSpec(
            key: "access_key_env", defaultVariable: RapydCredentialRules.accessKeyVariable,
            emulatorDemo: RapydCredentialRules.demoAccessKey),
        CredentialSpec(
            key: "secret_key_env", defaultVariable: RapydCredentialRules.secretKeyVariable,
            emulatorDemo: RapydCredentialRules.demoSecretKey),
    ]

    public func makeValidator() -> any RowValidator { RapydValidator() }

    /// Rapyd's WAF limits are per account (FACTS §2.6); the access key names the account, hashed.
    public func accountIdentity(job: Job, credentials: ProviderCredentials) -> String {
        ProviderAccount.keyIdentity(credentials["access_key_env"])
    }

    public func makeClient(
        job: Job, credentials: ProviderCredentials, baseURL: String, transport: any HTTPTransport
    ) -> any ProviderClient {
        RapydClient(
            configuration: .init(
                baseURL: baseURL, accessKey: credentials["access_key_env"], secretKey: credentials["secret_key_env"],
                preflight: job.preflight),
            transport: transport)
    }
}
