/// Renders a run's ``RunMetrics`` in Prometheus text exposition format and writes them for a
/// node_exporter textfile collector (`orderbatch run … --metrics FILE`).
///
/// ```swift
/// try PrometheusMetrics.write(metrics, to: "/var/lib/node_exporter/textfile/orderbatch-reprice.prom")
/// ```
///
/// Written metrics, each labelled `job` and `provider`:
///
/// | metric | type | value |
/// |---|---|---|
/// | `orderbatch_rows{state=…}` | gauge | rows per state at the end of the last run |
/// | `orderbatch_attempts_total` | counter | requests sent in the last run |
/// | `orderbatch_retries_total` | counter | retried requests in the last run |
/// | `orderbatch_rate_limited_total` | counter | HTTP 429 answers in the last run |
/// | `orderbatch_run_duration_seconds` | gauge | how long the last run took |
/// | `orderbatch_last_run_exit_code` | gauge | its exit code |
/// | `orderbatch_last_run_timestamp_seconds` | gauge | when it ended (Unix seconds) |
/// | `orderbatch_last_run_info{run_id=…}` | gauge | always 1; carries the run id |
///
/// The `_total` values are per run: each run rewrites the file, so a Prometheus counter reset
/// marks a new run. The run id is high-cardinality, so it sits on the info metric alone
/// (join with `* on(job, provider) group_left(run_id) orderbatch_last_run_info` when needed).
/// Give every job its own file: the textfile collector refuses a metric that two files both
/// define with the same labels.
///
/// Format: <https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format>
public enum PrometheusMetrics {
    /// The exposition text for `metrics`.
    public static func render(_ metrics: RunMetrics) -> String {
        var text = ""
        let base = [("job", metrics.job), ("provider", metrics.provider)]

        header(&text, "orderbatch_rows", "gauge", "Rows of the last run per state at its end.")
        var states = RunMetrics.standardStates
        states += metrics.rowsByState.keys.filter { !states.contains($0) }.sorted()
        for state in states {
            sample(&text, "orderbatch_rows", base + [("state", state)], String(metrics.rowsByState[state] ?? 0))
        }

        counter(&text, "orderbatch_attempts_total", "Requests sent in the last run, retries included.", base,
                metrics.attempts)
        counter(&text, "orderbatch_retries_total", "Requests in the last run that retried an earlier attempt.", base,
                metrics.retries)
        counter(&text, "orderbatch_rate_limited_total", "HTTP 429 responses received in the last run.", base,
                metrics.rateLimited)

        header(&text, "orderbatch_run_duration_seconds", "gauge", "Duration of the last run in seconds.")
        sample(&text, "orderbatch_run_duration_seconds", base, number(metrics.durationSeconds))
        header(&text, "orderbatch_last_run_exit_code", "gauge",
               "Exit code of the last run (0 all succeeded, 1 some failed, 2 invalid input, 3 stopped early).")
        sample(&text, "orderbatch_last_run_exit_code", base, String(metrics.exitCode))
        header(&text, "orderbatch_last_run_timestamp_seconds", "gauge", "When the last run ended, in Unix seconds.")
        sample(&text, "orderbatch_last_run_timestamp_seconds", base, number(metrics.finishedAt))
        header(&text, "orderbatch_last_run_info", "gauge", "Always 1; labels identify the last run.")
        sample(&text, "orderbatch_last_run_info", base + [("run_id", metrics.runID)], "1")
        return text
    }

    /// Renders `metrics` and replaces the file at `path` atomically (see ``AtomicFile``).
    ///
    /// - Throws: ``ReportingError`` when the file cannot be written; the old file is then unchanged.
    public static func write(_ metrics: RunMetrics, to path: String) throws(ReportingError) {
        try AtomicFile.write(Array(render(metrics).utf8), to: path)
    }

    // MARK: - Format

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String { escape(value, quotes: true) }

    /// Escapes HELP text: backslash and line feed.
    static func escapeHelp(_ value: String) -> String { escape(value, quotes: false) }

    private static func escape(_ value: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"" where quotes: out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A sample value: integers without a fraction, `NaN`, `+Inf`, `-Inf`, otherwise Swift's
    /// shortest round-tripping form (`0.25`, `1e-05`), all of which Prometheus parses.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func header(_ text: inout String, _ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    private static func counter(
        _ text: inout String, _ name: String, _ help: String, _ labels: [(String, String)], _ value: Int
    ) {
        header(&text, name, "counter", help)
        sample(&text, name, labels, String(value))
    }

    private static func sample(_ text: inout String, _ name: String, _ labels: [(String, String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " " + value + "\n"
    }
}
