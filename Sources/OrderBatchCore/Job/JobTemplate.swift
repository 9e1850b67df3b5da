/// The job file `orderbatch init NAME --provider P` writes: every key the job parser knows (``JobKeys``), in
/// its order, with the provider's defaults (``ProviderModule/defaults``) and the parser's, each with a comment.
///
/// `input` is written with a placeholder (`NAME.csv`: it has no default). Keys whose default is "none" or
/// depends on another (`max_failures`, `format`) and the `emulator:` section (only with `endpoint: emulator`)
/// are written commented out; every other key is written with its value, so the file parses as it is and
/// behaves exactly as a job that leaves the keys out.
public enum JobTemplate {
    /// The job file's text.
    ///
    /// - Parameters:
    ///   - name: The job's `name`.
    ///   - provider: The job's provider.
    ///   - registry: The providers a job may name.
    /// - Returns: YAML text, one key per line.
    public static func text(name: String, provider: ProviderKind, registry: ProviderRegistry = .standard) -> String {
        let module = provider.module
        var entries: [String: JobTemplateEntry] = [:]
        for entry in commonEntries(name: name, module: module, registry: registry) + module.jobTemplate {
            entries[entry.key] = entry
        }
        var lines = [
            "# \(name): a \(module.displayName) job for orderbatch, every key with its default",
            "# (written by `orderbatch init \(name) --provider \(module.name)`; see the README's *Job files*).",
            "# Keys marked CHANGE_ME are required; `input` names your file. Any other key may be deleted:",
            "# the job then behaves the same, as each holds its default.",
            "",
        ]
        var section: String?
        for key in JobKeys.all(for: provider, registry: registry) {
            let entry = entries[key] ?? JobTemplateEntry(key: key, value: "CHANGE_ME", comment: "(undocumented key)")
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            var indent = ""
            if parts.count == 2 {
                if section != parts[0] {
                    section = parts[0]
                    let heading = (entry.commentedOut ? "# " : "") + parts[0] + ":"
                    lines.append(
                        heading
                            + (sectionComments[parts[0]].map {
                                String(repeating: " ", count: max(1, 32 - heading.count)) + "# " + $0
                            } ?? ""))
                }
                indent = "  "
            } else {
                section = nil
            }
            let body = indent + (parts.last ?? key) + ": " + entry.value
            let prefix = entry.commentedOut ? "# " : ""
            let line = prefix + body
            lines.append(line + String(repeating: " ", count: max(1, 32 - line.count)) + "# " + entry.comment)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Comments on section headings.
    private static let sectionComments = [
        "timeouts": "per attempt, per row, per run",
        "retry": "for retryable outcomes: network errors, timeouts, 408, 425, 429, 5xx",
        "credentials": "the NAMES of environment variables, never the secrets",
        "emulator": "only with endpoint: emulator (the built-in emulator's behaviour)",
    ]

    /// The keys every job has, with the parser's and `module`'s defaults.
    private static func commonEntries(
        name: String, module: any ProviderModule, registry: ProviderRegistry
    ) -> [JobTemplateEntry] {
        let d = module.defaults
        let retry = Job.Retry.defaults
        let emulator = Job.EmulatorSettings()
        let ms = DurationText.format(milliseconds:)
        let rate =
            d.rateLimit.isEmpty
            ? "none" : "[" + d.rateLimit.map(\.description).joined(separator: ", ") + "]"
        func e(_ key: String, _ value: String, _ comment: String, off: Bool = false) -> JobTemplateEntry {
            JobTemplateEntry(key: key, value: value, comment: comment, commentedOut: off)
        }
        var list = [
            e("name", name, "1–64 of [A-Za-z0-9._-]; leases and re-run checks are per name"),
            e("provider", module.name, registry.modules.map(\.name).joined(separator: " | ")),
            e(
                "endpoint", "sandbox",
                "sandbox (\(module.endpoints.sandbox)) | production (\(module.endpoints.production)) | emulator | https://host[:port][/base]"
            ),
            e(
                "input", name + ".csv",
                "relative to this file; no default: --input FILE overrides (- reads standard input)"),
            e("format", "csv", "csv | jsonl; default from the input's extension", off: true),
            e("state", name + ".state.sqlite", "SQLite state file, relative to this file; --db overrides"),
            e("concurrency", String(d.concurrency), "requests in flight, 1–256 (\(module.displayName)'s default)"),
            e("rate_limit", rate, "5 (per second), 200/1m, [190/1m, 950/5m], or none; every window is honoured"),
            e(
                "rate_limit_scope", RateLimitScope.default.rawValue,
                "PostgreSQL state only: account (every job on the provider account) | run (this run's workers) "
                    + "share rate_limit", off: true),
            e(
                "rate_limit_pause", ms(Job.defaultRateLimitPause),
                "PostgreSQL state only: every worker pauses this long after a 429 without Retry-After", off: true),
            e("timeouts.request", ms(d.requestTimeout), "one HTTP exchange"),
            e(
                "timeouts.item", ms(Job.Timeouts.defaultItem),
                "one row, all attempts: no attempt starts that cannot end inside it"),
            e("timeouts.run", "none", "the run: stop starting work after it (e.g. 50m), exit 3, resumable"),
            e("retry.max_attempts", String(retry.maxAttempts), "updates per row, the first included (1–100)"),
            e(
                "retry.backoff_base", ms(retry.backoffBase),
                "full-jitter exponential backoff: random 0…min(max, base·2^n)"),
            e("retry.backoff_max", ms(retry.backoffMax), "the longest backoff"),
            e(
                "retry.budget", (retry.budget * 100).formatted3 + "%",
                "retries ≤ this share of first requests (+ a small floor)"),
            e(
                "breaker.consecutive_failures", String(ExecutorPolicy.Breaker().consecutiveFailures),
                "this many transport failures/5xx/unreadable answers in a row stop the run (exit 3)"),
            e(
                "max_failures", "2%",
                "stop (exit 3) once permanent failures pass a count or a share; default: no limit", off: true),
            e("preflight", String(d.preflight), "read each order's status first and apply the status rules"),
            e(
                "emulator.orders", "orders.jsonl", "JSONL orders to start with; default: created on first use",
                off: true),
            e("emulator.latency", emulator.latency, registry.emulatorLatencyModels.joined(separator: " | "), off: true),
            e(
                "emulator.fail_rate", emulator.failRate.formatted3, "share of requests answered with fail_with, 0–1",
                off: true),
            e("emulator.fail_with", emulator.failWith, "503 | 429 | reset | hang", off: true),
            e("emulator.seed", String(emulator.seed), "the same seed, the same faults and delays", off: true),
            e(
                "emulator.rate_limits", String(emulator.rateLimits), "enforce the provider's rate-limit windows (429)",
                off: true),
            e("emulator.idempotency", String(emulator.idempotency), "replay a repeated idempotency key", off: true),
            e("emulator.unknown_orders", emulator.unknownOrders, "create | not-found", off: true),
            e(
                "emulator.revoke_after", "60", "401 to every request once N updates were applied; default: never",
                off: true),
            e(
                "emulator.garble", emulator.garble, "none | updates | reads | both: 200 with an unreadable body",
                off: true),
            e("emulator.pad_mb", String(emulator.padMB), "pad every answer to N MiB", off: true),
            e(
                "lease_ttl", ms(Job.defaultLeaseTTL),
                "3s–1h: another process may take the run over this long after the last heartbeat"),
            e(
                "unfinished_runs", UnfinishedRunsPolicy.refuse.rawValue,
                "refuse | supersede: an older run of the job is still unfinished"),
        ]
        for spec in module.credentials {
            list.append(e("credentials." + spec.key, spec.defaultVariable, "read from the environment"))
        }
        return list
    }
}
