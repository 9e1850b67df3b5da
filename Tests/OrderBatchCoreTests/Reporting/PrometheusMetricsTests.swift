import Foundation
import OrderBatchCore
import Testing

@Suite struct PrometheusMetricsTests {
    private let metrics = RunMetrics(
        job: "reprice", provider: "juspay", runID: "run-20250101-0200",
        rowsByState: ["succeeded": 4990, "failed": 7, "skipped": 3, "paused": 1], attempts: 5012, retries: 12,
        rateLimited: 2, durationSeconds: 61.25, exitCode: 1, finishedAt: 1_735_696_861)

    @Test func rendersEveryMetricWithHelpTypeAndLabels() {
        let expected = """
            # HELP orderbatch_rows Rows per state of the last invocation's run when it exited (0 when none was recorded).
            # TYPE orderbatch_rows gauge
            orderbatch_rows{job="reprice",provider="juspay",state="pending"} 0
            orderbatch_rows{job="reprice",provider="juspay",state="in_flight"} 0
            orderbatch_rows{job="reprice",provider="juspay",state="succeeded"} 4990
            orderbatch_rows{job="reprice",provider="juspay",state="failed"} 7
            orderbatch_rows{job="reprice",provider="juspay",state="skipped"} 3
            orderbatch_rows{job="reprice",provider="juspay",state="invalid"} 0
            orderbatch_rows{job="reprice",provider="juspay",state="unknown"} 0
            orderbatch_rows{job="reprice",provider="juspay",state="paused"} 1
            # HELP orderbatch_run_attempts Requests sent by the last run invocation, retries included.
            # TYPE orderbatch_run_attempts gauge
            orderbatch_run_attempts{job="reprice",provider="juspay"} 5012
            # HELP orderbatch_run_retries Requests of the last run invocation that retried an earlier attempt.
            # TYPE orderbatch_run_retries gauge
            orderbatch_run_retries{job="reprice",provider="juspay"} 12
            # HELP orderbatch_run_rate_limited HTTP 429 responses received by the last run invocation.
            # TYPE orderbatch_run_rate_limited gauge
            orderbatch_run_rate_limited{job="reprice",provider="juspay"} 2
            # HELP orderbatch_run_duration_seconds Seconds the last run invocation spent sending (0 when it sent nothing).
            # TYPE orderbatch_run_duration_seconds gauge
            orderbatch_run_duration_seconds{job="reprice",provider="juspay"} 61.25
            # HELP orderbatch_last_run_exit_code Exit code of the last run invocation (0 all succeeded, 1 some failed, 2 invalid input, 3 stopped early or refused as a re-run, 64 usage or job error, 75 another process holds the job).
            # TYPE orderbatch_last_run_exit_code gauge
            orderbatch_last_run_exit_code{job="reprice",provider="juspay"} 1
            # HELP orderbatch_last_run_timestamp_seconds When the last run invocation ended, in Unix seconds.
            # TYPE orderbatch_last_run_timestamp_seconds gauge
            orderbatch_last_run_timestamp_seconds{job="reprice",provider="juspay"} 1735696861
            # HELP orderbatch_last_run_info Always 1; labels identify the last run.
            # TYPE orderbatch_last_run_info gauge
            orderbatch_last_run_info{job="reprice",provider="juspay",run_id="run-20250101-0200"} 1

            """
        #expect(PrometheusMetrics.render(metrics) == expected)
    }

    @Test func perRunValuesAreGaugesAndNoMetricIsACounter() {
        // Each invocation rewrites the file from zero: a `_total` counter would go backwards.
        let text = PrometheusMetrics.render(metrics)
        #expect(!text.contains("_total"))
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(types.count == 8)
        #expect(types.allSatisfy { $0.hasSuffix(" gauge") }, "\(types)")
    }

    @Test func runIDAppearsOnlyOnTheInfoMetric() {
        let lines = PrometheusMetrics.render(metrics).split(separator: "\n").filter { $0.contains("run_id=") }
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("orderbatch_last_run_info{") == true)
    }

    @Test func escapesLabelValues() {
        #expect(PrometheusMetrics.escapeLabelValue(#"a\b"c"# + "\nd") == #"a\\b\"c\nd"#)
        var odd = metrics
        odd.job = "nightly \"reprice\"\\eu\nwest"
        let text = PrometheusMetrics.render(odd)
        #expect(text.contains(#"orderbatch_run_attempts{job="nightly \"reprice\"\\eu\nwest",provider="juspay"} 5012"#))
        // Every sample stays on one line: 8 HELP + 8 TYPE + 7 standard states + 1 extra + 7 other samples.
        #expect(text.split(separator: "\n").count == 31)
    }

    @Test func writesAtomicallyAndLeavesNoTemporaryFiles() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/orderbatch-reprice.prom"
            try Data("old contents\n".utf8).write(to: URL(fileURLWithPath: path))
            try PrometheusMetrics.write(metrics, to: path)
            #expect(try contents(path) == PrometheusMetrics.render(metrics))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["orderbatch-reprice.prom"])
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o044 } == 0o044)  // readable by node_exporter
        }
    }

    @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
        try withTemporaryDirectory { directory in
            // A directory at the destination: rename(2) over it fails with EISDIR.
            let path = directory + "/metrics.prom"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            #expect(throws: ReportingError.self) { try PrometheusMetrics.write(metrics, to: path) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["metrics.prom"])
        }
        #expect(throws: ReportingError.self) {
            try PrometheusMetrics.write(metrics, to: "/nonexistent-\(UUID().uuidString)/m.prom")
        }
    }

    @Test func renderedTextParsesAsTheExpositionFormat() throws {
        // Every non-comment line is `name{labels} value` with a value Prometheus accepts.
        var odd = metrics
        odd.durationSeconds = 0.000_01
        for line in PrometheusMetrics.render(odd).split(separator: "\n") where !line.hasPrefix("#") {
            let value = line.split(separator: " ").last.map(String.init) ?? ""
            #expect(Double(value) != nil, "\(line)")
            #expect(
                line.range(
                    of: #"^[a-z_]+\{([a-z_]+="[^"\\\n]*(\\.[^"\\\n]*)*",?)+\} \S+$"#, options: .regularExpression)
                    != nil)
        }
    }
}
