import Foundation
import OrderBatchCore
import Testing

/// Job settings that keep a run safe: `unfinished_runs`, and an `endpoint` that cannot smuggle a header.
@Suite struct JobParserSafetyTests {
    private static let base = "name: j\nprovider: rapyd\n"

    private func error(_ text: String) -> String? {
        do {
            _ = try JobParser.parse(text: text, path: "jobs/j.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func unfinishedRunsDefaultsToRefuseAndReadsSupersede() throws {
        let plain = try JobParser.parse(text: Self.base + "endpoint: sandbox\n", path: "jobs/j.yaml")
        #expect(plain.unfinishedRuns == .refuse)
        let nightly = try JobParser.parse(
            text: Self.base + "endpoint: sandbox\nunfinished_runs: supersede\n", path: "jobs/j.yaml")
        #expect(nightly.unfinishedRuns == .supersede)
        let parts = try JobParser.parse(
            text: Self.base + "endpoint: sandbox\nunfinished_runs: refuse\n", path: "jobs/j.yaml")
        #expect(parts.unfinishedRuns == .refuse)
        #expect(
            error(Self.base + "endpoint: sandbox\nunfinished_runs: replace\n")
                == #"jobs/j.yaml:4: unfinished_runs: must be refuse or supersede (got "replace")"#)
    }

    @Test(arguments: [
        (#"endpoint: "https://api.example.com\r\nX-Injected: 1""#, "U+000D at character 24"),
        (#"endpoint: "https://api.example.com/\nX-Injected: 1""#, "U+000A at character 25"),
        (#"endpoint: "https://api.example.com\r""#, "U+000D at character 24"),
        (#"endpoint: "https://api.example.com/v1\t""#, "U+0009 at character 27"),
    ])
    func anEndpointWithALineBreakOrControlCharacterIsRefusedWithItsLine(line: String, found: String) {
        #expect(
            error(Self.base + line + "\n")
                == "jobs/j.yaml:3: endpoint: must be one line of printable characters, without control characters such as "
                + "CR or LF (found \(found))")
    }

    @Test func anEndpointWithASpaceIsRefused() {
        #expect(
            error(Self.base + #"endpoint: "https://api.example.com/a b""# + "\n")
                == "jobs/j.yaml:3: endpoint: must not contain spaces (found one at character 26)")
    }
}
