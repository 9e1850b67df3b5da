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
/// | `orderbatch_rows{state=…}` | gauge | rows per state of the run the last invocation concerned, at its exit |
/// | `orderbatch_run_attempts` | gauge | requests sent by the last invocation |
/// | `orderbatch_run_retries` | gauge | retried requests in the last invocation |
/// | `orderbatch_run_rate_limited` | gauge | HTTP 429 answers in the last invocation |
/// | `orderbatch_run_duration_seconds` | gauge | how long the last invocation spent sending |
/// | `orderbatch_last_run_exit_code` | gauge | its exit code (any: 0, 1, 2, 3, 64, 75) |
/// | `orderbatch_last_run_timestamp_seconds` | gauge | when it ended (Unix seconds) |
/// | `orderbatch_last_run_info{run_id=…}` | gauge | always 1; carries the run id |
///
/// Every value describes one invocation (`run`, `resume`, `retry`), which rewrites the file: the request
/// numbers are gauges, not `_total` counters, because they start from zero at each invocation (a
/// counter must only grow; `rate()` over these would be wrong). The run id is high-cardinality, so it sits on the info metric alone
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

        header(
            &text, "orderbatch_rows", "gauge",
            "Rows per state of the last invocation's run when it exited (0 when none was recorded).")
        var states = RunMetrics.standardStates
        states += metrics.rowsByState.keys.filter { !states.contains($0) }.sorted()
        for state in states {
            sample(&text, "orderbatch_rows", base + [("state", state)], String(metrics.rowsByState[state] ?? 0))
        }

        gauge(
            &text, "orderbatch_run_attempts", "Requests sent by the last run invocation, retries included.", base,
            metrics.attempts)
        gauge(
            &text, "orderbatch_run_retries", "Requests of the last run invocation that retried an earlier attempt.",
            base, metrics.retries)
        gauge(
            &text, "orderbatch_run_rate_limited", "HTTP 429 responses received by the last run invocation.", base,
            metrics.rateLimited)

        header(
            &text, "orderbatch_run_duration_seconds", "gauge",
            "Seconds the last run invocation spent sending (0 when it sent nothing).")
        sample(&text, "orderbatch_run_duration_seconds", base, number(metrics.durationSeconds))
        header(
            &text, "orderbatch_last_run_exit_code", "gauge",
            "Exit code of the last run invocation (0 all succeeded, 1 some failed, 2 invalid input, 3 stopped early "
                + "or refused as a re-run, 64 usage or job error, 75 another process holds the job).")
        sample(&text, "orderbatch_last_run_exit_code", base, String(metrics.exitCode))
        header(
            &text, "orderbatch_last_run_timestamp_seconds", "gauge",
            "When the last run invocation ended, in Unix seconds.")
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

    private static func gauge(
        _ text: inout String, _ name: String, _ help: String, _ labels: [(String, String)], _ value: Int
    ) {
        header(&text, name, "gauge", help)
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
