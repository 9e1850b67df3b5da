import Foundation

extension RunReport {
    /// The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, no reference to
    /// anything outside the file (no URL in any `src` or `href`), so a browser opens it with no network.
    ///
    /// It is written as well-formed XML (XHTML syntax), so an XML parser reads it, and every text taken from
    /// the run (input values, provider messages, the job) is escaped by ``HTMLText/escape(_:)``.
    public var html: String {
        let e = HTMLText.escape
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>orderbatch run \(e(run.id))</title>
            <style>\(Self.css)</style>
            </head>
            <body>

            """
        out += header
        out += "<section><h2>Rows</h2>\n" + countsTable + shareBar + "</section>\n"
        out += "<section><h2>Over time</h2>\n"
        if timeline.requests.isEmpty && timeline.finished.isEmpty {
            out += "<p class=\"note\">No request was recorded for this run: nothing to draw.</p>\n"
        } else {
            out +=
                "<p class=\"note\">Times are UTC; each column or point is \(ChartAxis.widthText(timeline.bucketSeconds)) "
            out += "from \(e(UTCTimestamp.milliseconds(timeline.origin))). Hover over a column for its value.</p>\n"
            out += rowsChart.html + requestsChart.html + latencyChart.html + errorsChart.html + rateLimitChart.html
        }
        out += "</section>\n"
        out += "<section><h2>Requests</h2>\n" + figuresTable + "</section>\n"
        out += rowsSection
        out += nextSection
        out += settingsSection
        out += "<footer>Written by orderbatch at \(e(UTCTimestamp.milliseconds(generatedAt))) from "
        out += "<code>\(e(databasePath))</code>.</footer>\n</body>\n</html>\n"
        return out
    }

    private var header: String {
        let e = HTMLText.escape
        var out = "<header><h1>Run <code>\(e(run.id))</code></h1>\n<p class=\"sub\">job <b>\(e(run.jobName))</b> · "
        out += "\(e(run.provider)) · state <b class=\"state-\(e(run.state.rawValue))\">\(e(run.state.rawValue))</b>"
        if let reason = run.stateReason, !reason.isEmpty { out += " (\(e(reason)))" }
        out += "</p>\n"
        if let line = story.endpointLine {
            let loud = story.destination?.isBuiltInEmulator == true
            out += "<p class=\"\(loud ? "alarm" : "endpoint")\">\(e(line))</p>\n"
        }
        return out + "</header>\n"
    }

    private var countsTable: String {
        var out = "<table class=\"counts\"><tr><th>total</th>"
        // Rows in `in_flight` are claimed by a process, not all sent (see `status`).
        for state in RunCounts.listedStates { out += "<th>\(state == .inFlight ? "claimed" : state.rawValue)</th>" }
        out += "</tr>\n<tr><td>\(counts.total)</td>"
        for state in RunCounts.listedStates {
            // A zero stays plain: colour marks the states that hold rows.
            out += counts[state] > 0 ? "<td class=\"n-\(state.rawValue)\">\(counts[state])</td>" : "<td>0</td>"
        }
        return out + "</tr></table>\n"
    }

    /// Requests per phase with their latency, the error codes, the 429s and the rate.
    private var figuresTable: String {
        let e = HTMLText.escape
        guard let whole = story.wholeRun else { return "" }
        let stats = whole.requests
        var out =
            "<table><tr><th>phase</th><th>requests</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th></tr>\n"
        for phase in RunStory.phaseOrder {
            let p = stats.phases[phase]
            out += "<tr><td>\(RunStory.phaseName(phase))</td><td>\(p?.requests ?? 0)</td>"
            for value in [p?.latency?.p50, p?.latency?.p90, p?.latency?.p99, p?.latency?.max] {
                out += "<td>\(value.map(RunStory.millisecondsText) ?? "-")</td>"
            }
            out += "</tr>\n"
        }
        out +=
            "<tr class=\"total\"><td>every phase</td><td>\(stats.requests)</td><td colspan=\"4\"></td></tr></table>\n"
        out += "<ul class=\"facts\">"
        for line in story.textLines() where !line.contains("requests:") && !line.contains("latency ms:") {
            out += "<li>\(e(line.trimmingCharacters(in: .whitespaces)))</li>"
        }
        return out + "</ul>\n"
    }

    private var rowsSection: String {
        let e = HTMLText.escape
        let states = listedStates.map(\.rawValue).joined(separator: ", ")
        var out = "<section><h2>Rows \(e(states))</h2>\n"
        guard !rows.isEmpty else { return out + "<p class=\"note\">No row is \(e(states)).</p></section>\n" }
        out += "<p class=\"note\">The first \(rows.count) in input order"
        out += moreRows ? "; more follow (orderbatch report lists them all)." : "."
        out += "</p>\n<table class=\"rows\"><tr><th>line</th><th>order</th><th>state</th><th>HTTP</th><th>code</th>"
        out += "<th>message</th><th>attempts</th></tr>\n"
        for row in rows {
            out += "<tr><td>\(row.line)</td><td>\(e(row.orderID ?? ""))</td>"
            out += "<td class=\"n-\(row.state.rawValue)\">\(row.state.rawValue)</td>"
            out += "<td>\(row.lastHTTPStatus.map { String($0) } ?? "")</td><td>\(e(row.errorCode ?? ""))</td>"
            out +=
                "<td class=\"msg\">\(e(row.errorMessage ?? row.validationError ?? ""))</td><td>\(row.attempts)</td></tr>\n"
        }
        return out + "</table></section>\n"
    }

    private var nextSection: String {
        guard !nextCommands.isEmpty else { return "" }
        let commands = nextCommands.map(HTMLText.escape).joined(separator: "\n")
        return "<section><h2>What to type next</h2>\n<pre>\(commands)</pre></section>\n"
    }

    private var settingsSection: String {
        let e = HTMLText.escape
        var pairs: [(String, String)] = [
            ("job file", run.jobPath), ("input", run.inputPath), ("input sha256", run.inputSHA256),
            ("state database", databasePath), ("created", UTCTimestamp.milliseconds(run.createdAt)),
            ("started", run.startedAt.map(UTCTimestamp.milliseconds) ?? "-"),
            ("finished", run.finishedAt.map(UTCTimestamp.milliseconds) ?? "-"),
        ]
        if let job {
            pairs += [
                ("endpoint", job.endpoint.description), ("concurrency", String(job.concurrency)),
                (
                    "rate_limit",
                    job.rateLimit.isEmpty ? "none" : job.rateLimit.map(\.description).joined(separator: ", ")
                ),
                (
                    "timeouts",
                    "request \(job.timeouts.request) ms, item \(job.timeouts.item) ms, run "
                        + (job.timeouts.run.map { "\($0) ms" } ?? "none")
                ),
                ("retry.max_attempts", String(job.retry.maxAttempts)), ("preflight", job.preflight ? "on" : "off"),
            ]
        }
        var out = "<section><h2>Settings</h2>\n<table class=\"settings\">"
        for (name, value) in pairs { out += "<tr><th>\(e(name))</th><td>\(e(value))</td></tr>" }
        return out + "</table></section>\n"
    }

    /// The stylesheet: no `<`, `&` or URL in it, so the file stays well-formed and self-contained.
    static let css = """

        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212121;
               max-width: 960px; margin: 24px auto; padding: 0 16px; background: #fafafa; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
        .sub { margin: 0; color: #555; }
        .alarm { background: #b71c1c; color: #fff; padding: 10px 14px; border-radius: 6px; font-weight: 600; }
        .endpoint { background: #e8eaf6; padding: 8px 12px; border-radius: 6px; }
        table { border-collapse: collapse; margin: 6px 0; background: #fff; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; vertical-align: top; }
        th { background: #f1f1f1; font-weight: 600; }
        table.rows td, table.settings td, table.settings th { text-align: left; }
        td.msg { max-width: 420px; overflow-wrap: anywhere; }
        tr.total td { font-weight: 600; }
        .n-succeeded { color: #2e7d32; } .n-failed { color: #c62828; } .n-unknown { color: #7b1fa2; }
        .state-finished { color: #2e7d32; } .state-stopped { color: #c62828; }
        figure.chart { margin: 14px 0 22px; background: #fff; border: 1px solid #e0e0e0; border-radius: 6px;
                       padding: 8px 10px 6px; }
        figcaption { font-weight: 600; margin-bottom: 2px; }
        svg { width: 100%; height: auto; display: block; }
        svg text { font-size: 11px; fill: #555; }
        svg .ylabel { text-anchor: end; } svg .xlabel { text-anchor: middle; } svg .unit { font-style: italic; }
        svg .grid { stroke: #eee; } svg .axis, svg .tick { stroke: #999; }
        svg.share { border-radius: 4px; }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin-top: 4px; }
        .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
        .note { color: #666; font-size: 13px; } ul.facts { padding-left: 18px; }
        pre { background: #263238; color: #eceff1; padding: 10px 12px; border-radius: 6px; overflow-x: auto; }
        footer { margin: 32px 0 8px; color: #777; font-size: 12px; }

        """
}
