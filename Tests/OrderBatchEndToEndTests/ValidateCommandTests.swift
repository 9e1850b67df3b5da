import Foundation
import Testing

/// `orderbatch validate`, run as a real process: no network, errors as `FILE:LINE: column: message`.
@Suite struct ValidateCommandTests {
    /// The repository root (samples/ and jobs/ live there).
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    private static let juspayJob = root + "/jobs/juspay-reprice.yaml"
    private static let mistakes = root + "/samples/juspay-mistakes.csv"

    /// The lines of the mistakes sample that hold an error, and the column named for some of them.
    private static let mistakeLines: Set<Int> = [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13]
    private static let mistakeColumns = [
        3: "order_id", 4: "amount", 5: "routing_id", 6: "amount", 9: "udf1", 10: "udf7",
        13: "billing_address_country_code_iso",
    ]

    /// `FILE:LINE: column: message` lines of `text` for `file`: line number → column.
    private func errorLines(_ text: String, file: String) throws -> [(line: Int, column: String)] {
        let pattern = try Regex("^" + NSRegularExpression.escapedPattern(for: file) + #":([0-9]+): ([a-z0-9_]+): .+$"#)
        return text.split(separator: "\n").compactMap { line in
            guard let match = String(line).wholeMatch(of: pattern),
                let number = match.output[1].substring.flatMap({ Int($0) }),
                let column = match.output[2].substring
            else { return nil }
            return (number, String(column))
        }
    }

    @Test func aCleanFileExitsZeroWithASummary() async throws {
        let result = try await OrderBatchCLI.run(["validate", Self.juspayJob])
        #expect(result.exit == ChildProcess.Exit(status: 0, bySignal: false), "\(result.stderr)")
        #expect(
            result.stdout.hasSuffix(" rows checked: 120 valid, 0 invalid; ready to run (juspay)\n"), "\(result.stdout)")
        #expect(result.stdout.hasPrefix(Self.root + "/samples/juspay-reprice.csv: 120 rows"), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func theMistakesSampleExitsTwoWithOneLinePerProblem() async throws {
        let result = try await OrderBatchCLI.run(["validate", Self.juspayJob, "--input", Self.mistakes])
        #expect(result.exit.status == 2, "\(result.stderr)")
        let errors = try errorLines(result.stdout, file: Self.mistakes)
        #expect(Set(errors.map(\.line)) == Self.mistakeLines, "\(result.stdout)")
        #expect(errors.count == 11)
        for (line, column) in Self.mistakeColumns {
            #expect(
                errors.contains { $0.line == line && $0.column == column }, "line \(line) \(column): \(result.stdout)")
        }
        // The duplicate is named on both of its lines, each naming the other.
        #expect(
            result.stdout.contains(
                "\(Self.mistakes):2: order_id: order ORD000001 appears more than once in the file (lines 2, 12)"))
        #expect(
            result.stdout.hasSuffix(
                "\(Self.mistakes): 12 rows checked: 1 valid, 11 invalid; fix them and validate again (`run --skip-invalid` would send only the valid rows)\n"
            ))
    }

    @Test func jsonReportsEveryIssueWithLineColumnAndMessage() async throws {
        let result = try await OrderBatchCLI.run(["validate", Self.juspayJob, "--input", Self.mistakes, "--json"])
        #expect(result.exit.status == 2, "\(result.stderr)")
        let report = try JSON.object(result.stdout)
        #expect(
            Set(report.keys) == [
                "job", "provider", "input", "valid", "rows", "valid_rows", "invalid_rows", "column_problems",
                "issue_count", "issues_truncated", "issues",
            ])
        #expect(report["job"] as? String == "juspay-reprice")
        #expect(report["provider"] as? String == "juspay")
        #expect(report["input"] as? String == Self.mistakes)
        #expect(report["valid"] as? Bool == false)
        #expect(report["rows"] as? Int == 12)
        #expect(report["valid_rows"] as? Int == 1)
        #expect(report["invalid_rows"] as? Int == 11)
        #expect(report["issue_count"] as? Int == 11)
        #expect(report["issues_truncated"] as? Bool == false)
        let issues = try #require(report["issues"] as? [[String: Any]])
        #expect(Set(issues.compactMap { $0["line"] as? Int }) == Self.mistakeLines)
        #expect(issues.allSatisfy { ($0["message"] as? String)?.isEmpty == false && $0["column"] is String })
        #expect(result.stderr.isEmpty, "\(result.stderr)")

        let clean = try await OrderBatchCLI.run(["validate", Self.juspayJob, "--json"])
        #expect(clean.exit.status == 0)
        let cleanReport = try JSON.object(clean.stdout)
        #expect(cleanReport["valid"] as? Bool == true)
        #expect(cleanReport["rows"] as? Int == 120)
        #expect((cleanReport["issues"] as? [Any])?.isEmpty == true)
    }

    @Test func maxErrorsCapsThePrintedProblemsAndCountsTheRest() async throws {
        let result = try await OrderBatchCLI.run(
            ["validate", Self.juspayJob, "--input", Self.mistakes, "--max-errors", "2"])
        #expect(result.exit.status == 2)
        #expect(try errorLines(result.stdout, file: Self.mistakes).count == 2, "\(result.stdout)")
        // The first two by line, the duplicate (found by a second pass) included: lines 2 and 3.
        #expect(result.stdout.contains("\(Self.mistakes):2: order_id: order ORD000001 appears more than once"))
        #expect(result.stdout.contains("\(Self.mistakes):3: order_id: contains '/'"), "\(result.stdout)")
        #expect(result.stdout.contains("… and 9 more problems (use --max-errors N to see more)\n"), "\(result.stdout)")
        #expect(
            result.stdout.hasSuffix(
                "12 rows checked: 1 valid, 11 invalid; fix them and validate again (`run --skip-invalid` would send only the valid rows)\n"
            ))

        let json = try await OrderBatchCLI.run(
            ["validate", Self.juspayJob, "--input", Self.mistakes, "--max-errors", "2", "--json"])
        let report = try JSON.object(json.stdout)
        #expect((report["issues"] as? [Any])?.count == 2)
        #expect(report["issue_count"] as? Int == 11)
        #expect(report["issues_truncated"] as? Bool == true)

        let none = try await OrderBatchCLI.run(
            ["validate", Self.juspayJob, "--input", Self.mistakes, "--max-errors", "0"])
        #expect(none.exit.status == 2)
        #expect(try errorLines(none.stdout, file: Self.mistakes).isEmpty)
        #expect(none.stdout.contains("… and 11 more problems"))
    }

    @Test func aMissingJobABadKeyOrAMissingInputExits64() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let missingJob = workspace.path("nope.yaml")
        let noJob = try await OrderBatchCLI.run(["validate", missingJob])
        #expect(noJob.exit.status == 64)
        #expect(noJob.stderr.contains("\(missingJob): no such job file"), "\(noJob.stderr)")
        #expect(noJob.stdout.isEmpty)

        let badKey = try workspace.write(
            "bad.yaml",
            "name: bad\nprovider: juspay\nendpoint: emulator\nmerchant_id: m\ninput: in.csv\ntimeouts:\n  request: 1s\n  reqest: 2s\n"
        )
        let bad = try await OrderBatchCLI.run(["validate", badKey])
        #expect(bad.exit.status == 64)
        #expect(bad.stderr.contains("\(badKey):8: timeouts.reqest: unknown key"), "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)

        let topKey = try workspace.write(
            "top.yaml", "name: top\nprovider: juspay\nendpoint: emulator\nmerchant_id: m\nconcurency: 4\n")
        let top = try await OrderBatchCLI.run(["validate", topKey])
        #expect(top.exit.status == 64)
        #expect(top.stderr.contains("\(topKey):5: concurency: unknown key"), "\(top.stderr)")

        let job = try workspace.job("noinput", endpoint: "emulator", input: workspace.path("missing.csv"))
        let missing = try await OrderBatchCLI.run(["validate", job])
        #expect(missing.exit.status == 64)
        #expect(missing.stderr.contains(workspace.path("missing.csv")), "\(missing.stderr)")
        let unnamed = try await OrderBatchCLI.run(["validate", try workspace.job("unnamed", endpoint: "emulator")])
        #expect(unnamed.exit.status == 64)
        #expect(unnamed.stderr.contains("no input file"), "\(unnamed.stderr)")
    }

    @Test func aJSONLFileWithABadLineNamesTheLine() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let job = try workspace.job("jsonl", endpoint: "emulator")
        let input = try workspace.write(
            "in.jsonl",
            """
            {"order_id":"A1","routing_id":"c1","amount":"1.00"}

            {"order_id":"A2","routing_id":"c2","amount":1.5
            {"order_id":"A3","routing_id":"c3","amount":"2.001"}
            {"order_id":"A4","routing_id":"c4","amount":4}

            """)
        let result = try await OrderBatchCLI.run(["validate", job, "--input", input])
        #expect(result.exit.status == 2, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(input):3: invalid JSON") }, "\(result.stdout)")
        #expect(
            lines.contains { $0.hasPrefix("\(input):4: amount: has more than 2 decimal places") }, "\(result.stdout)")
        #expect(
            lines.last
                == "\(input): 4 rows checked: 2 valid, 2 invalid; fix them and validate again (`run --skip-invalid` would send only the valid rows)"
        )
    }
}
