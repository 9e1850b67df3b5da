import Foundation
import Testing

/// Inputs and job files that used to slip through validation or get a misleading message, run through the
/// real binary.
@Suite struct ValidationHoleTests {
    @Test func jsonlTaxPercentIsCheckedAsWrittenAndQuotedAsWritten() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.write(
            "in.jsonl",
            """
            {"order_id":"order_1","tax_percent":1E2}
            {"order_id":"order_2","tax_percent":15E-1}
            {"order_id":"order_3","tax_percent":-0}
            {"order_id":"order_4","tax_percent":123456789012345678901234567890123456789012}
            {"order_id":"order_5","tax_percent":0.0000001}
            {"order_id":"order_6","tax_percent":13.50}

            """)
        let job = try workspace.job("tax", provider: "rapyd", endpoint: "emulator", input: input)
        let result = try await OrderBatchCLI.run(["validate", job])
        #expect(result.exit.status == 2, "\(result.stderr)")
        let number = "must be a number from 0 to 100 such as 13.5, no sign or exponent"
        #expect(
            result.stdout == """
                \(input):1: tax_percent: \(number) (got "1E2")
                \(input):2: tax_percent: \(number) (got "15E-1")
                \(input):3: tax_percent: \(number) (got "-0")
                \(input):4: tax_percent: must be from 0 to 100 (got "1234567890123456789012345678901234567890…", 42 characters)
                \(input):5: tax_percent: has more than 6 decimal places (got "0.0000001")
                \(input): 6 rows checked: 1 valid, 5 invalid; fix them and validate again (`run --skip-invalid` would send only the valid rows)

                """)
    }

    @Test func anEndpointWithALineBreakIsAJobErrorBeforeAnythingElse() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "EPT", count: 1)
        let job = try workspace.job(
            "inject", endpoint: #""http://127.0.0.1:9/\r\nX-Injected: yes""#, input: input)
        for command in [["validate", job], ["run", job, "--dry-run"], ["run", job]] {
            let result = try await OrderBatchCLI.run(command)
            #expect(result.exit.status == 64, "\(command): \(result.stderr)")
            #expect(
                result.stderr == """
                    orderbatch: job file error: \(job):3: endpoint: must be one line of printable characters, without \
                    control characters such as CR or LF (found U+000D at character 20)

                    """)
            #expect(!result.stdout.contains("X-Injected"))
        }
    }

    @Test func validateJSONGivesTheLineAndMessageOfAFatalProblem() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.write(
            "in.csv", "order_id,routing_id,amount\nUNT00001,c1,1.00\nUNT00002,\"c2,2.00\nUNT00003,c3,3.00\n")
        let job = try workspace.job("fatal", endpoint: "emulator", input: input)
        let result = try await OrderBatchCLI.run(["validate", job, "--json"])
        #expect(result.exit.status == 2, "\(result.stderr)")
        let object = try JSON.object(result.stdout)
        #expect(object["valid"] as? Bool == false)
        #expect(object["job"] as? String == "fatal" && object["provider"] as? String == "juspay")
        #expect(object["input"] as? String == input)
        let fatal = try #require(object["fatal"] as? [String: Any], "\(result.stdout)")
        #expect(fatal["line"] as? Int == 3)
        #expect(
            fatal["message"] as? String
                == #"the quoted field in column "routing_id" of the record starting on line 3 is never closed; the file may be truncated. Close the quote (") or re-export the file"#
        )
        #expect(Set(fatal.keys) == ["line", "message"])

        // A problem with no line (a missing file is 64, an empty one 2): "line" is null.
        let empty = try workspace.write("empty.csv", "")
        let none = try await OrderBatchCLI.run(["validate", job, "--json", "--input", empty])
        #expect(none.exit.status == 2)
        let noLine = try #require(try JSON.object(none.stdout)["fatal"] as? [String: Any])
        #expect(noLine["line"] is NSNull)
        #expect((noLine["message"] as? String)?.hasPrefix("the file is empty") == true)
    }

    @Test func duplicatesInACSVWithLoneCarriageReturnsNameTheirOwnLines() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.write(
            "mac.csv",
            "order_id,routing_id,amount\rMAC00001,c1,1.00\rMAC00001,c2,2.00\rMAC00002,c3,3.00\rMAC00001,c4,4.00\r")
        let job = try workspace.job("mac", endpoint: "emulator", input: input)
        let result = try await OrderBatchCLI.run(["validate", job])
        #expect(result.exit.status == 2, "\(result.stderr)")
        let duplicate =
            "order_id: order MAC00001 appears more than once in the file (lines 2, 3, 5); keep one row per order"
        #expect(
            result.stdout == """
                \(input):2: \(duplicate)
                \(input):3: \(duplicate)
                \(input):5: \(duplicate)
                \(input): 4 rows checked: 1 valid, 3 invalid; fix them and validate again (`run --skip-invalid` would send only the valid rows)

                """)
    }
}
