/// The keys a job file may hold, section by section: the lists the job parser checks against ("unknown key;
/// known keys here: …") and `orderbatch init` writes, so the two cannot drift apart.
public enum JobKeys {
    /// The `timeouts:` section.
    public static let timeouts = ["request", "item", "run"]
    /// The `retry:` section.
    public static let retry = ["max_attempts", "backoff_base", "backoff_max", "budget"]
    /// The `breaker:` section.
    public static let breaker = ["consecutive_failures"]
    /// The `emulator:` section (only with `endpoint: emulator`).
    public static let emulator = [
        "orders", "latency", "fail_rate", "fail_with", "seed", "rate_limits", "idempotency", "unknown_orders",
        "revoke_after", "garble", "pad_mb",
    ]

    /// The top-level keys, in the order a job file lists them: the common ones, with every registered provider's
    /// own keys after `state` and its own sections after `credentials`.
    ///
    /// - Parameter registry: The providers a job may name.
    /// - Returns: The keys, e.g. `name`, `provider`, …, `merchant_id`, `concurrency`, …
    public static func topLevel(registry: ProviderRegistry) -> [String] {
        ["name", "provider", "endpoint", "input", "format", "state"] + registry.jobKeys
            + [
                "concurrency", "rate_limit", "rate_limit_scope", "rate_limit_pause", "timeouts", "retry", "breaker",
                "max_failures", "preflight", "credentials",
            ]
            + registry.jobSections + ["emulator", "lease_ttl", "unfinished_runs"]
    }

    /// Every key a job of `provider` may hold, dotted (`timeouts.request`, `credentials.api_key_env`,
    /// `acme.statuses`), in file order; other providers' keys left out.
    ///
    /// - Parameters:
    ///   - provider: The job's provider.
    ///   - registry: The providers a job may name.
    /// - Returns: The dotted keys.
    public static func all(for provider: ProviderKind, registry: ProviderRegistry) -> [String] {
        let module = provider.module
        let others = Set(
            registry.modules.filter { $0.name != module.name }.flatMap { $0.jobKeys + $0.jobSections })
        var keys: [String] = []
        for key in topLevel(registry: registry) where !others.contains(key) {
            switch key {
            case "timeouts": keys += timeouts.map { "timeouts." + $0 }
            case "retry": keys += retry.map { "retry." + $0 }
            case "breaker": keys += breaker.map { "breaker." + $0 }
            case "emulator": keys += emulator.map { "emulator." + $0 }
            case "credentials": keys += module.credentials.map { "credentials." + $0.key }
            case _ where module.jobSections.contains(key):
                keys += module.jobSectionKeys[key, default: []].map { key + "." + $0 }
            default: keys.append(key)
            }
        }
        return keys
    }
}
