import Foundation
import Testing

/// Messages that once said too little or the wrong thing, each pinned in its new words: a `;`-separated
/// CSV, a tab in a job file's indentation, a directory given as the job, `status --limit -1`. (`resume` of a
/// finished run: `PacingTests`; `validate`'s summary: `ValidateCommandTests`; a port in use:
/// `EmulatorCommandTests`.)
@Suite struct RoughMessageTests {
    /// A job on the built-in emulator and the workspace it lives in.
    private func job(_ workspace: Workspace) throws -> String {
        try workspace.job("rough", endpoint: "emulator")
    }

    @Test func aSemicolonSeparatedCSVIsNamedAsSuch() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let job = try job(workspace)
        let semicolons = try workspace.write("semi.csv", "order_id;routing_id;amount\nA1;c1;10,50\n")
        let whole = try await OrderBatchCLI.run(["validate", job, "--input", semicolons])
        #expect(whole.exit.status == 2)
        #expect(
            whole.stderr
                == "orderbatch: \(semicolons):1: invalid header row: it is one column, \"order_id;routing_id;amount\", "
                + "holding ';': the file looks separated by semicolons (as spreadsheets set to many European locales "
                + "export CSV); orderbatch reads comma-separated CSV (RFC 4180): export it with commas as separators\n",
            "\(whole.stderr)")
        let run = try await OrderBatchCLI.run(["run", job, "--input", semicolons])
        #expect(run.exit.status == 2 && run.stderr.contains("holding ';': the file looks separated by semicolons"))

        // A line pasted in from such a file, under a comma header.
        let mixed = try workspace.write("mixed.csv", "order_id,routing_id,amount\nA1,c1,10.50\nA2;c2;11.50\n")
        let line = try await OrderBatchCLI.run(["validate", job, "--input", mixed])
        #expect(line.exit.status == 2)
        #expect(
            line.stdout.hasPrefix(
                "\(mixed):3: expected 3 fields as in the header, found 1; the line holds ';' where the header has ',': "
                    + "it looks separated by semicolons (as spreadsheets set to many European locales export CSV); "
                    + "write it with commas\n"), "\(line.stdout)")
        let tabs = try workspace.write("tabs.csv", "order_id\trouting_id\tamount\nA1\tc1\t10.50\n")
        let tsv = try await OrderBatchCLI.run(["validate", job, "--input", tabs])
        #expect(
            tsv.stderr.contains(
                #"it is one column, "order_id\trouting_id\tamount", holding tabs: the file "#
                    + "looks separated by tabs (a TSV export)"), "\(tsv.stderr)")
    }

    @Test func aTabInAJobFilesIndentationIsNamedWithItsLineAndColumn() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let top = try workspace.write("top.yaml", "name: tabbed\n\tprovider: juspay\n")
        let first = try await OrderBatchCLI.run(["validate", top])
        #expect(first.exit.status == 64)
        #expect(
            first.stderr
                == "orderbatch: job file error: \(top):2: is not valid YAML: a tab indents this line (column 1); "
                + "YAML does not allow tabs for indentation: indent with spaces\n", "\(first.stderr)")
        // libyaml said "found character that cannot start any token" for this one.
        let nested = try workspace.write("nested.yaml", "name: tabbed\nprovider: juspay\ntimeouts:\n  \trequest: 1s\n")
        let second = try await OrderBatchCLI.run(["run", nested])
        #expect(second.exit.status == 64)
        #expect(
            second.stderr
                == "orderbatch: job file error: \(nested):4: is not valid YAML: a tab indents this line (column 3); "
                + "YAML does not allow tabs for indentation: indent with spaces\n", "\(second.stderr)")
        // A tab after the colon is plain YAML whitespace: no complaint.
        let value = try workspace.write("value.yaml", "name:\tvalue\nprovider: juspay\nendpoint: emulator\n")
        #expect(!(try await OrderBatchCLI.run(["validate", value])).stderr.contains("tab"))
    }

    @Test func aDirectoryGivenAsTheJobIsSaidToBeOne() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let jobs = workspace.path("jobs")
        try FileManager.default.createDirectory(atPath: jobs, withIntermediateDirectories: true)
        let empty = try await OrderBatchCLI.run(["validate", jobs])
        #expect(empty.exit.status == 64)
        #expect(
            empty.stderr
                == "orderbatch: job file error: \(jobs): is a directory, not a job file; give the path of a job's "
                + "YAML file\n", "\(empty.stderr)")
        try workspace.write("jobs/nightly.yaml", "name: nightly\n")
        try workspace.write("jobs/backfill.yml", "name: backfill\n")
        let full = try await OrderBatchCLI.run(["run", jobs])
        #expect(full.exit.status == 64)
        #expect(
            full.stderr
                == "orderbatch: job file error: \(jobs): is a directory, not a job file; give one of the job files "
                + "in it: \(jobs)/backfill.yml, \(jobs)/nightly.yaml\n", "\(full.stderr)")
    }

    @Test func aNegativeStatusLimitSaysItMustBePositive() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("state.sqlite", "")
        for limit in ["-1", "0"] {
            let result = try await OrderBatchCLI.run(["status", "--db", workspace.db, "--limit", limit])
            #expect(result.exit.status == 64)
            #expect(
                result.stderr.hasPrefix("Error: --limit must be a positive number of runs (1 or more), got \(limit)\n"),
                "\(result.stderr)")
        }
    }
}
