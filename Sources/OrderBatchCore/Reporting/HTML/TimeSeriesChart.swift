import Foundation

/// One chart of the HTML report: values per time bucket drawn as inline SVG by the project's own code (no
/// script, no library), as stacked columns (counts) or lines (latencies).
///
/// The SVG is well-formed XML: every name and label goes through ``HTMLText/escape(_:)``. Each column and
/// point carries a `<title>` (the browser's tooltip) with its time and value, so a reader can check a number.
public struct TimeSeriesChart: Sendable {
    /// How the series are drawn.
    public enum Style: Sendable {
        /// Each bucket one column, the series stacked (rows, errors).
        case stackedColumns
        /// Each series a line through the buckets' centres; a bucket without a value breaks the line.
        case lines
    }

    /// One series: a name for the legend, a CSS colour, and a value (or none) per bucket.
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var values: [Double?]

        public init(name: String, color: String, values: [Double?]) {
            self.name = name
            self.color = color
            self.values = values
        }
    }

    public var title: String
    /// What the vertical axis counts (`rows per 10 s`, `ms`).
    public var unit: String
    public var style: Style
    public var series: [Series]
    /// The start of bucket 0.
    public var origin: Date
    public var bucketSeconds: Double

    public init(title: String, unit: String, style: Style, series: [Series], origin: Date, bucketSeconds: Double) {
        self.title = title
        self.unit = unit
        self.style = style
        self.series = series
        self.origin = origin
        self.bucketSeconds = bucketSeconds
    }

    // MARK: - Geometry

    static let width = 860.0
    static let height = 230.0
    static let left = 56.0
    static let right = 14.0
    static let top = 14.0
    static let bottom = 30.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    /// The number of buckets drawn: the longest series.
    var bucketCount: Int { max(1, series.map(\.values.count).max() ?? 1) }

    /// The largest value the vertical axis must reach.
    var maximum: Double {
        switch style {
        case .stackedColumns:
            return (0..<bucketCount).map { i in series.reduce(0) { $0 + (value($1, i) ?? 0) } }.max() ?? 0
        case .lines:
            return series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        }
    }

    private func value(_ series: Series, _ index: Int) -> Double? {
        index < series.values.count ? series.values[index] : nil
    }

    // MARK: - Drawing

    /// The chart as a `<figure>`: a title, the SVG, and a legend.
    public var html: String {
        var out = "<figure class=\"chart\"><figcaption>\(HTMLText.escape(title))</figcaption>\n"
        out += svg
        out += "<div class=\"legend\">"
        for s in series {
            out += "<span><i style=\"background:\(HTMLText.escape(s.color))\"></i>\(HTMLText.escape(s.name))</span>"
        }
        out += "</div></figure>\n"
        return out
    }

    /// The `<svg>` element alone.
    public var svg: String {
        let ticks = ChartAxis.ticks(upTo: maximum)
        let top = ticks.last ?? 1
        let w = Self.plotWidth / Double(bucketCount)
        func x(_ bucket: Double) -> Double { Self.left + bucket * w }
        func y(_ value: Double) -> Double { Self.top + Self.plotHeight * (1 - value / top) }
        let n = HTMLText.number
        var out = "<svg viewBox=\"0 0 \(n(Self.width)) \(n(Self.height))\" role=\"img\" "
        out += "aria-label=\"\(HTMLText.escape(title))\" preserveAspectRatio=\"xMidYMid meet\">\n"
        // Horizontal gridlines and their values.
        for tick in ticks {
            let ty = y(tick)
            out += "<line class=\"grid\" x1=\"\(n(Self.left))\" x2=\"\(n(Self.width - Self.right))\" "
            out += "y1=\"\(n(ty))\" y2=\"\(n(ty))\"/>"
            out +=
                "<text class=\"ylabel\" x=\"\(n(Self.left - 6))\" y=\"\(n(ty + 4))\">\(ChartAxis.label(tick))</text>\n"
        }
        out += "<text class=\"unit\" x=\"\(n(Self.left))\" y=\"\(n(Self.top - 3))\">\(HTMLText.escape(unit))</text>\n"
        // Time labels under the axis, on round bucket boundaries.
        let every = max(1, Int((Double(bucketCount) / 7).rounded(.up)))
        var label = 0
        while label <= bucketCount {
            let lx = x(Double(label))
            out += "<line class=\"tick\" x1=\"\(n(lx))\" x2=\"\(n(lx))\" y1=\"\(n(Self.height - Self.bottom))\" "
            out += "y2=\"\(n(Self.height - Self.bottom + 4))\"/>"
            out += "<text class=\"xlabel\" x=\"\(n(lx))\" y=\"\(n(Self.height - Self.bottom + 17))\">"
            out += "\(timeText(bucket: label))</text>\n"
            label += every
        }
        switch style {
        case .stackedColumns: out += columns(x: x, y: y, width: w)
        case .lines: out += lines(x: x, y: y, width: w)
        }
        out += "<line class=\"axis\" x1=\"\(n(Self.left))\" x2=\"\(n(Self.width - Self.right))\" "
        out += "y1=\"\(n(Self.height - Self.bottom))\" y2=\"\(n(Self.height - Self.bottom))\"/>\n"
        out += "</svg>\n"
        return out
    }

    private func columns(x: (Double) -> Double, y: (Double) -> Double, width: Double) -> String {
        let n = HTMLText.number
        let gap = width >= 4 ? min(2, width * 0.15) : 0
        var out = ""
        for bucket in 0..<bucketCount {
            var base = 0.0
            for s in series {
                guard let v = value(s, bucket), v > 0 else { continue }
                let y0 = y(base)
                let y1 = y(base + v)
                base += v
                out +=
                    "<rect x=\"\(n(x(Double(bucket)) + gap / 2))\" y=\"\(n(y1))\" width=\"\(n(max(0.5, width - gap)))\" "
                out += "height=\"\(n(max(0.5, y0 - y1)))\" fill=\"\(HTMLText.escape(s.color))\">"
                out +=
                    "<title>\(timeText(bucket: bucket)) · \(HTMLText.escape(s.name)): \(ChartAxis.label(v))</title></rect>\n"
            }
        }
        return out
    }

    private func lines(x: (Double) -> Double, y: (Double) -> Double, width: Double) -> String {
        let n = HTMLText.number
        var out = ""
        for s in series {
            var path = ""
            var drawing = false
            var dots = ""
            for bucket in 0..<bucketCount {
                guard let v = value(s, bucket) else {
                    drawing = false
                    continue
                }
                let px = x(Double(bucket) + 0.5)
                let py = y(v)
                path += (drawing ? " L" : " M") + "\(n(px)) \(n(py))"
                drawing = true
                dots +=
                    "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"\(width >= 6 ? 2.5 : 1.5)\" fill=\"\(HTMLText.escape(s.color))\">"
                dots +=
                    "<title>\(timeText(bucket: bucket)) · \(HTMLText.escape(s.name)): \(ChartAxis.label(v))</title></circle>"
            }
            guard !path.isEmpty else { continue }
            out +=
                "<path d=\"\(path.dropFirst())\" fill=\"none\" stroke=\"\(HTMLText.escape(s.color))\" stroke-width=\"2\"/>\n"
            out += dots + "\n"
        }
        return out
    }

    /// The UTC time a bucket starts: `10:22` (or `10:22:30` when buckets are shorter than a minute).
    func timeText(bucket: Int) -> String {
        let stamp = UTCTimestamp.milliseconds(origin.addingTimeInterval(Double(bucket) * bucketSeconds))
        let clock = stamp.dropFirst(11)
        return String(bucketSeconds < 60 ? clock.prefix(8) : clock.prefix(5))
    }
}
