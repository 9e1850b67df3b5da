import Foundation
import Testing

/// `orderbatch init NAME --provider P`: jobs/NAME.yaml (or --output), checked by the job parser, never
/// replaced without --force.
@Suite struct InitCommandTests {
    /// `orderbatch ARGS` run in `directory`.
    private func run(
        _ arguments: [String], in directory: String
    ) async throws -> (
        exit: ChildProcess.Exit, stdout: String, stderr: String
    ) {
        let binary = try BinaryLocator.orderbatch().path
        return try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"),
            ["-c", #"cd "$1" && shift && exec "$0" "$@""#, binary, directory] + arguments,
            environment: OrderBatchCLI.demoEnvironment)
    }

    @Test func writesACommentedJobThatValidatesAndNeverOverwritesWithoutForce() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let made = try await run(["init", "nightly", "--provider", "rapyd"], in: workspace.directory)
        #expect(made.exit.status == 0, "\(made.stderr)")
        #expect(
            made.stdout
                == "wrote jobs/nightly.yaml: a Rapyd job, every key at its default; next: orderbatch plan jobs/nightly.yaml --input FILE\n"
        )
        let path = workspace.path("jobs/nightly.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\nrate_limit: [190/1m, 950/5m]    # "), "\(text)")
        #expect(text.contains("\n  access_key_env: RAPYD_ACCESS_KEY"))

        // The job as written is a job: plan reads it.
        _ = try workspace.write("jobs/nightly.csv", "order_id,metadata\norder_1,\"{\"\"a\"\":1}\"\n")
        let plan = try await run(["plan", "jobs/nightly.yaml"], in: workspace.directory)
        #expect(plan.exit.status == 0 && plan.stdout.hasPrefix("plan: job nightly (Rapyd)"), "\(plan.stderr)")

        // An existing file is kept unless --force.
        try Data("name: mine\n".utf8).write(to: URL(fileURLWithPath: path))
        let again = try await run(["init", "nightly", "--provider", "juspay"], in: workspace.directory)
        #expect(again.exit.status == 64, "\(again.stderr)")
        #expect(again.stderr == "orderbatch: jobs/nightly.yaml exists; pass --force to replace it, or --output FILE\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "name: mine\n")
        let forced = try await run(
            ["init", "nightly", "--provider", "juspay", "--force"], in: workspace.directory)
        #expect(forced.exit.status == 0 && forced.stdout.contains("(set the CHANGE_ME values)"), "\(forced.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\nmerchant_id: CHANGE_ME "))

        let output = try await run(
            ["init", "other", "--provider", "juspay", "--output", "elsewhere/o.yaml"], in: workspace.directory)
        #expect(output.exit.status == 0 && FileManager.default.fileExists(atPath: workspace.path("elsewhere/o.yaml")))

        let badName = try await run(["init", "bad name", "--provider", "juspay"], in: workspace.directory)
        #expect(
            badName.exit.status == 64 && badName.stderr.contains("name: must be 1–64 characters"), "\(badName.stderr)")
        let badProvider = try await run(["init", "x", "--provider", "acme"], in: workspace.directory)
        #expect(badProvider.exit.status == 64 && badProvider.stderr.contains("--provider must be juspay or rapyd"))
    }
}
