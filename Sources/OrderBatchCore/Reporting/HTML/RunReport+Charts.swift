import Foundation

extension RunReport {
    /// The colour of each row state, in the charts and the share bar.
    static func color(_ state: ItemState) -> String {
        switch state {
        case .succeeded: return "#2e7d32"
        case .failed: return "#c62828"
        case .skipped: return "#f2a900"
        case .unknown: return "#7b1fa2"
        case .invalid: return "#757575"
        case .pending: return "#90a4ae"
        case .inFlight: return "#0277bd"
        }
    }

    /// Colours of the error codes, most frequent first; the last one is for "other codes".
    static let errorColors = ["#c62828", "#ef6c00", "#7b1fa2", "#00838f", "#6d4c41", "#ad1457", "#9e9e9e"]

    /// How many error codes get a series of their own; the rest are "other codes".
    static let namedErrorCodes = 6

    private var buckets: Int { max(1, timeline.bucketCount) }

    /// `values[bucket]` from (bucket, value) pairs; buckets beyond the last are folded into it.
    private func perBucket(_ pairs: [(Int, Double)], empty: Double? = 0) -> [Double?] {
        var values = [Double?](repeating: empty, count: buckets)
        for (bucket, value) in pairs {
            let at = min(bucket, buckets - 1)
            values[at] = (values[at] ?? 0) + value
        }
        return values
    }

    private func chart(
        _ title: String, _ unit: String, _ style: TimeSeriesChart.Style, _ series: [TimeSeriesChart.Series]
    )
        -> TimeSeriesChart
    {
        TimeSeriesChart(
            title: title, unit: unit, style: style, series: series, origin: timeline.origin,
            bucketSeconds: timeline.bucketSeconds)
    }

    /// Rows that reached a final state, per bucket and state.
    var rowsChart: TimeSeriesChart {
        let states: [ItemState] = [.succeeded, .failed, .skipped, .unknown]
        let series = states.compactMap { state -> TimeSeriesChart.Series? in
            let pairs = timeline.finished.filter { $0.state == state }.map { ($0.bucket, Double($0.count)) }
            guard !pairs.isEmpty else { return nil }
            return .init(name: state.rawValue, color: Self.color(state), values: perBucket(pairs))
        }
        return chart(
            "Rows finished over time, by state", "rows per \(ChartAxis.widthText(timeline.bucketSeconds))",
            .stackedColumns, series)
    }

    /// p50, p90 and p99 of every request's latency, per bucket.
    var latencyChart: TimeSeriesChart {
        func series(_ name: String, _ color: String, _ pick: (LatencyPercentiles) -> Double) -> TimeSeriesChart.Series {
            let pairs = timeline.requests.compactMap { r in r.latency.map { (r.bucket, pick($0)) } }
            var values = [Double?](repeating: nil, count: buckets)
            for (bucket, value) in pairs { values[min(bucket, buckets - 1)] = value }
            return .init(name: name, color: color, values: values)
        }
        return chart(
            "Request latency percentiles over time (every phase)", "ms", .lines,
            [series("p50", "#1565c0", \.p50), series("p90", "#ef6c00", \.p90), series("p99", "#c62828", \.p99)])
    }

    /// Errors per bucket, by code: the most frequent codes of the run, the rest together.
    var errorsChart: TimeSeriesChart {
        var totals: [String: Int] = [:]
        for e in timeline.errors { totals[e.code, default: 0] += e.count }
        let ranked = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let named = Array(ranked.prefix(Self.namedErrorCodes))
        var series = named.enumerated().map { index, code in
            TimeSeriesChart.Series(
                name: code, color: Self.errorColors[index],
                values: perBucket(timeline.errors.filter { $0.code == code }.map { ($0.bucket, Double($0.count)) }))
        }
        if ranked.count > named.count {
            let rest = Set(ranked.dropFirst(named.count))
            series.append(
                .init(
                    name: "other codes (\(rest.count))", color: Self.errorColors.last ?? "#9e9e9e",
                    values: perBucket(
                        timeline.errors.filter { rest.contains($0.code) }.map { ($0.bucket, Double($0.count)) })))
        }
        return chart(
            "Errors over time, by code", "errors per \(ChartAxis.widthText(timeline.bucketSeconds))", .stackedColumns,
            series)
    }

    /// 429 answers and updates sent again, per bucket.
    var rateLimitChart: TimeSeriesChart {
        chart(
            "429 answers and retries over time", "per \(ChartAxis.widthText(timeline.bucketSeconds))", .lines,
            [
                .init(
                    name: "429 answers", color: "#ef6c00",
                    values: perBucket(timeline.requests.map { ($0.bucket, Double($0.rateLimited)) })),
                .init(
                    name: "updates sent again (retries)", color: "#1565c0",
                    values: perBucket(timeline.requests.map { ($0.bucket, Double($0.retries)) })),
            ])
    }

    /// Requests per bucket.
    var requestsChart: TimeSeriesChart {
        chart(
            "Requests over time (every phase)", "requests per \(ChartAxis.widthText(timeline.bucketSeconds))",
            .stackedColumns,
            [
                .init(
                    name: "requests", color: "#5c6bc0",
                    values: perBucket(timeline.requests.map { ($0.bucket, Double($0.requests)) }))
            ])
    }

    /// The share of each state among the run's rows, as one horizontal bar (SVG) with a legend of counts.
    var shareBar: String {
        let n = HTMLText.number
        let total = max(1, counts.total)
        var out = "<svg class=\"share\" viewBox=\"0 0 860 28\" role=\"img\" aria-label=\"Share of each final state\">\n"
        var x = 0.0
        var legend = "<div class=\"legend\">"
        for state in RunCounts.listedStates where counts[state] > 0 {
            let width = 860 * Double(counts[state]) / Double(total)
            let share = HTMLText.escape(Self.percent(counts[state], of: total))
            out +=
                "<rect x=\"\(n(x))\" y=\"0\" width=\"\(n(max(1, width)))\" height=\"28\" fill=\"\(Self.color(state))\">"
            out += "<title>\(state.rawValue): \(counts[state]) (\(share))</title></rect>\n"
            x += width
            legend +=
                "<span><i style=\"background:\(Self.color(state))\"></i>\(state.rawValue) \(counts[state]) (\(share))</span>"
        }
        return out + "</svg>\n" + legend + "</div>\n"
    }

    /// `12.5%` (one decimal; `<0.1%` for a share that rounds to nothing).
    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        let tenths = Int((Double(part) * 1000 / Double(whole)).rounded())
        if tenths == 0 && part > 0 { return "<0.1%" }
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
