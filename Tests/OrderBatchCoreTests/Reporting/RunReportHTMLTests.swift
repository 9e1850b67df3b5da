import Foundation
import OrderBatchCore
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The HTML report of ``HistoryFixture``'s run, read back with a real XML parser: it is well-formed, refers
/// to nothing outside itself, escapes what came from a provider, and its charts hold the run's numbers.
@Suite struct RunReportHTMLTests {
    let directory = StoreTestDirectory()

    /// Collects every element name, every attribute, and the text of every `<title>`, `<figcaption>` and `<td>`.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var attributes: [(element: String, name: String, value: String)] = []
        var titles: [String] = []
        var captions: [String] = []
        var cells: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(name)
            for (key, value) in attributes { self.attributes.append((name, key, value)) }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "title": titles.append(text)
            case "figcaption": captions.append(text)
            case "td": cells.append(text)
            default: break
            }
            text = ""
        }
    }

    private func report() throws -> (html: String, parsed: Collector) {
        let store = try HistoryFixture.makeStore(at: directory.path())
        defer { try? store.close() }
        let run = try #require(try store.run(id: "r"))
        let page = try RunReport.load(
            store: store, run: run, job: nil, databasePath: "/tmp/x <y>.sqlite", states: [.failed, .unknown],
            nextCommands: ["orderbatch retry r --db '/tmp/x <y>.sqlite'"], now: HistoryFixture.t0 + 60
        ).html
        let parser = XMLParser(data: Data(page.utf8))
        let collector = Collector()
        parser.delegate = collector
        let parsed = parser.parse()
        #expect(parsed, "not well-formed: \(parser.parserError.map { "\($0)" } ?? "") line \(parser.lineNumber)")
        return (page, collector)
    }

    @Test func itParsesAndRefersToNothingOutside() throws {
        let (html, parsed) = try report()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(
            !parsed.elements.contains("script") && !parsed.elements.contains("link") && !parsed.elements.contains("img")
        )
        #expect(!parsed.attributes.contains { ["src", "href", "xlink:href", "action"].contains($0.name) })
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
        #expect(parsed.elements.filter { $0 == "svg" }.count == 6)  // five charts and the share bar
    }

    @Test func whatCameFromTheProviderIsEscaped() throws {
        let (html, parsed) = try report()
        #expect(!html.contains("<b>down</b>"))
        #expect(html.contains("&lt;b&gt;down&lt;/b&gt;"))
        #expect(parsed.cells.contains("<b>down</b>"))  // read back as the text it was
        #expect(html.contains("orderbatch retry r --db &#39;/tmp/x &lt;y&gt;.sqlite&#39;"))
    }

    /// Buckets of 1 s from the first request (t0+1 s = 15:06:41 UTC): the preflights in buckets 0–9, the
    /// updates in 20–29, row 9's second update in 39, every row's final state written in 49.
    @Test func theChartsHoldTheRunsNumbers() throws {
        let (_, parsed) = try report()
        #expect(
            parsed.captions == [
                "Rows finished over time, by state", "Requests over time (every phase)",
                "Request latency percentiles over time (every phase)", "Errors over time, by code",
                "429 answers and retries over time",
            ])
        let titles = Set(parsed.titles)
        for expected in [
            "15:07:30 · succeeded: 9", "15:07:30 · failed: 1",  // rows finished
            "15:06:41 · requests: 1", "15:07:01 · requests: 1",  // one request a second
            "15:06:41 · p50: 10", "15:06:50 · p99: 100", "15:07:09 · p90: 9", "15:07:20 · p50: 100",  // latency
            "15:07:09 · HTTP 429: 1", "15:07:10 · SERVER_ERROR: 1",  // errors by code
            "15:07:09 · 429 answers: 1", "15:07:20 · updates sent again (retries): 1",  // 429s and retries
            "succeeded: 9 (90.0%)", "failed: 1 (10.0%)",  // the share of each state
        ] {
            #expect(titles.contains(expected), "no \(expected) in \(parsed.titles.sorted())")
        }
        #expect(!titles.contains { $0.hasPrefix("15:06:41 · HTTP") })
        // The listed rows: the one failed row, with its message.
        #expect(parsed.cells.contains("ORD10") && parsed.cells.contains("SERVER_ERROR"))
    }
}
