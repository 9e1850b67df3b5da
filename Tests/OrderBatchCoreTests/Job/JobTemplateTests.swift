import Foundation
import Testing

@testable import OrderBatchCore

/// `orderbatch init`'s job file: the real job parser reads it, every key the parser knows is in it, and a job
/// written from it behaves as one that leaves every key out.
@Suite struct JobTemplateTests {
    static let providers = ProviderRegistry.standard.names

    /// The dotted keys written in `text`, commented out or not.
    private func keys(in text: String) -> Set<String> {
        var keys: Set<String> = []
        var section = ""
        for raw in text.split(separator: "\n") {
            var line = Substring(raw)
            if line.hasPrefix("# ") { line = line.dropFirst(2) }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            if key.hasPrefix("  "), !key.dropFirst(2).contains(" ") {
                keys.insert(section + "." + key.dropFirst(2))
            } else if !key.contains(" ") {
                section = String(key)
                keys.insert(section)
            }
        }
        return keys
    }

    /// What the parser itself says it knows in `section` ("" for the top level): the list its "unknown key"
    /// error gives for a key nobody knows.
    private func parserKnows(_ section: String, in text: String) throws -> [String] {
        let probe =
            section.isEmpty
            ? text + "zz_probe: 1\n"
            : text.replacingOccurrences(of: "\n\(section):", with: "\n\(section):\n  zz_probe: 1")
        do {
            _ = try JobParser.parse(text: probe, path: "/tmp/probe.yaml")
        } catch {
            let message = error.message
            guard let range = message.range(of: "known keys here: ") else { return [] }
            return message[range.upperBound...].split(separator: ", ").map(String.init)
        }
        Issue.record("the parser took an unknown key in \(section.isEmpty ? "the top level" : section)")
        return []
    }

    @Test(arguments: providers)
    func theRealParserReadsItAndEveryKeyItKnowsIsThere(provider name: String) throws {
        let provider = try #require(ProviderRegistry.standard.provider(named: name))
        let text = JobTemplate.text(name: "nightly-\(name)", provider: provider)
        let written = keys(in: text)
        let job = try JobParser.parse(text: text, path: "/tmp/jobs/nightly.yaml")

        // The parser's own lists, as its error messages give them, each key and sub-key written.
        var known = try parserKnows("", in: text).filter { key in
            ProviderRegistry.standard.modules.allSatisfy {
                $0.name == name || !($0.jobKeys + $0.jobSections).contains(key)
            }
        }
        #expect(known.count > 15)
        for section in ["timeouts", "retry", "breaker", "credentials"] + provider.module.jobSections {
            let sub = try parserKnows(section, in: text)
            #expect(!sub.isEmpty, "\(section)")
            known += sub.map { section + "." + $0 }
        }
        known += JobKeys.emulator.map { "emulator." + $0 }
        for key in known { #expect(written.contains(key), "\(key) is missing from the template") }
        #expect(Set(known).isSuperset(of: JobKeys.all(for: provider, registry: .standard)))

        // Every value written is the default: the same job as one that leaves the keys out.
        let d = provider.module.defaults
        #expect(job.name == "nightly-\(name)" && job.provider == provider && job.endpoint == .sandbox)
        #expect(job.concurrency == d.concurrency && job.rateLimit == d.rateLimit && job.preflight == d.preflight)
        #expect(job.timeouts == Job.Timeouts(request: d.requestTimeout, item: Job.Timeouts.defaultItem, run: nil))
        #expect(job.retry == Job.Retry.defaults && job.breaker == ExecutorPolicy.Breaker())
        #expect(job.maxFailures == nil && job.leaseTTL == Job.defaultLeaseTTL && job.unfinishedRuns == .refuse)
        #expect(job.state == "/tmp/jobs/nightly-\(name).state.sqlite" && job.format == nil)
        #expect(job.credentials.variables == provider.module.credentials.map(\.defaultVariable))
    }

    @Test(arguments: providers)
    func theEmulatorSectionUncommentedHoldsTheEmulatorsDefaults(provider name: String) throws {
        let provider = try #require(ProviderRegistry.standard.provider(named: name))
        var lines = JobTemplate.text(name: "rehearsal", provider: provider).split(separator: "\n").map(String.init)
        lines = lines.map { line in
            if line.hasPrefix("endpoint:") { return "endpoint: emulator" }
            if line.hasPrefix("# emulator:") || line.hasPrefix("#   ") { return String(line.dropFirst(2)) }
            return line
        }
        let job = try JobParser.parse(text: lines.joined(separator: "\n"), path: "/tmp/r.yaml")
        var expected = Job.EmulatorSettings()
        expected.orders = "/tmp/orders.jsonl"
        expected.revokeAfter = 60
        #expect(job.emulator == expected)
    }
}
