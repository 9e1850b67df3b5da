import Foundation
import OrderBatchCore
import Testing

/// Before the run: `plan` (requests by phase, an estimate and its assumptions), `run --dry-run --limit N`, and
/// input from standard input or a pipe, spooled beside the state database and recorded by its absolute path.
@Suite struct PlanAndInputTests {
    /// `orderbatch ARGS` started by bash in `directory`, with `redirection` (`< FILE`, `< <(cat FILE)`).
    private func run(
        _ arguments: [String], in directory: String, _ redirection: String = ""
    ) async throws -> (exit: ChildProcess.Exit, stdout: String, stderr: String) {
        let binary = try BinaryLocator.orderbatch().path
        let script = #"cd "$1" && shift && "$0" "$@" "# + redirection
        return try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script, binary, directory] + arguments,
            environment: OrderBatchCLI.demoEnvironment, timeout: 120)
    }

    private func rapydRows(_ count: Int) -> String {
        (1...count).map { #"{"order_id":"order_p\#($0)","metadata":{"n":\#($0)}}"# }.joined(separator: "\n") + "\n"
    }

    @Test func planCountsTheRequestsByPhaseAndEstimatesTheDuration() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.write("in.jsonl", rapydRows(20_000))
        let job = try workspace.job("plan", provider: "rapyd", endpoint: "sandbox", input: input)

        let text = try await OrderBatchCLI.run(["plan", job], environment: ["RAPYD_ACCESS_KEY": nil])
        #expect(text.exit.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "plan: job plan (Rapyd), input \(input): 20,000 rows, all valid; nothing is sent")
        #expect(lines.contains("  preflight   20,000 status reads (1 per row, preflight: true)"))
        #expect(lines.contains("  update      20,000 updates (1 per row)"))
        #expect(
            lines.contains(
                "estimate: 20,000 Rapyd rows at [190/1m, 950/5m] with preflight: 40,000 requests, bound by the 5-minute window: about 3 h 30 min"
            ), "\(text.stdout)")
        #expect(lines.last?.hasPrefix("assumptions: ") == true)

        let json = try JSON.object(
            try await OrderBatchCLI.run(["plan", job, "--json", "--rate", "10", "--deadline", "1h"]).stdout)
        let requests = try #require(json["requests"] as? [String: Any])
        #expect(requests["preflight"] as? Int == 20_000 && requests["update"] as? Int == 20_000)
        let estimate = try #require(json["estimate"] as? [String: Any])
        #expect(estimate["binding_window"] as? String == "10/1s" && estimate["text"] as? String == "1 h 5 min")
        #expect(estimate["stops_at_deadline"] as? Bool == true)

        // Invalid input: the problems, exit 2, as `run` would.
        let bad = try workspace.write("bad.jsonl", #"{"order_id":"nope"}"# + "\n")
        let refused = try await OrderBatchCLI.run(["plan", job, "--input", bad])
        #expect(refused.exit.status == 2, "\(refused.stderr)")
        #expect(refused.stdout.isEmpty && refused.stderr.contains("\(bad):1: order_id:"), "\(refused.stderr)")
    }

    @Test func aDryRunWithALimitPrintsTheFirstRequestsThenTheTotals() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "LIM", count: 50)
        let job = try workspace.job("limit", endpoint: "sandbox", input: input)
        let result = try await OrderBatchCLI.run(["run", job, "--dry-run", "--limit", "3"])
        #expect(result.exit.status == 0, "\(result.stderr)")
        let headers = result.stdout.split(separator: "\n").filter { $0.hasPrefix("# line ") }
        #expect(
            headers == [
                "# line 2: status read (preflight)", "# line 2: update", "# line 3: status read (preflight)",
            ])
        #expect(
            result.stdout.contains(
                "# dry run: 100 requests would be sent to https://sandbox.juspay.in (3 shown): 50 status reads (preflight), 50 updates; nothing was sent\n"
            ), "\(result.stdout)")
        #expect(result.stdout.contains("# estimate: 50 Juspay rows (no rate limit) with preflight: 100 requests"))

        let misuse = try await OrderBatchCLI.run(["run", job, "--limit", "3"])
        #expect(misuse.exit.status == 64 && misuse.stderr.contains("--limit goes with --dry-run"), "\(misuse.stderr)")
    }

    @Test func standardInputIsSpooledBesideTheDatabaseAndRecordedLikeAFile() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "STD", count: 5)
        let job = try workspace.job("stdin", endpoint: "emulator", extra: "preflight: false\n")
        let spoolDirectory = workspace.db + ".inputs"

        let noFormat = try await run(["run", job, "--input", "-"], in: workspace.directory, "< in.csv")
        #expect(noFormat.exit.status == 64, "\(noFormat.stderr)")
        #expect(noFormat.stderr.contains("--input - reads standard input: say its format with --format csv"))

        // Invalid rows on standard input: exit 2, and nothing is left in the spool folder.
        let bad = try await run(
            ["run", job, "--input", "-", "--format", "csv"], in: workspace.directory,
            #"< <(printf 'order_id,routing_id,amount\nBAD/1,c,1\n')"#)
        #expect(bad.exit.status == 2 && bad.stderr.contains("<stdin>:2: order_id:"), "\(bad.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: spoolDirectory)) ?? [] == [])

        // A pipe: recorded, named after its SHA-256, said where.
        let piped = try await run(
            ["run", job, "--input", "-", "--format", "csv", "--run-id", "s1"], in: workspace.directory,
            "< <(cat in.csv)")
        #expect(piped.exit.status == 0, "\(piped.stderr)")
        let sha = try SHA256Hasher.hexDigest(ofFileAt: input)
        let kept = spoolDirectory + "/" + sha + ".csv"
        #expect(
            piped.stderr.contains(
                "orderbatch: <stdin> (\(try Data(contentsOf: URL(fileURLWithPath: input)).count) bytes, SHA-256 \(sha.prefix(12))…) spooled to \(kept)\n"
            ), "\(piped.stderr)")
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == String(contentsOfFile: input, encoding: .utf8))
        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "s1", "--db", workspace.db, "--json"]).stdout)
        #expect(status["input"] as? String == kept && status["input_sha256"] as? String == sha)

        // validate and plan read standard input too, and keep nothing.
        let validated = try await run(
            ["validate", job, "--input", "-", "--format", "csv"], in: workspace.directory, "< in.csv")
        #expect(validated.exit.status == 0, "\(validated.stderr)")
        #expect(validated.stdout.hasPrefix("<stdin>: 5 rows checked: 5 valid, 0 invalid"), "\(validated.stdout)")
        let planned = try await run(
            ["plan", job, "--input", "/dev/stdin", "--format", "csv"], in: workspace.directory, "< <(cat in.csv)")
        #expect(planned.stdout.hasPrefix("plan: job stdin (Juspay), input /dev/stdin: 5 rows"), "\(planned.stderr)")

        // The same bytes through /dev/stdin, redirected from the file itself (a regular file, spooled all the
        // same): the same input, already run: nothing sent again, exit 0.
        let again = try await run(["run", job, "--input", "/dev/stdin", "--format", "csv"], in: "/", "< \(input)")
        #expect(again.exit.status == 0 && again.stderr.contains("already ran this input"), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDirectory) == [sha + ".csv"])
    }

    @Test func aSignalWhileStandardInputIsSpooledLeavesNothingBehind() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.juspayCSV("in.csv", prefix: "SIG", count: 5)
        let job = try workspace.job("spool-signal", endpoint: "emulator")
        let spoolDirectory = workspace.db + ".inputs"
        // Standard input from a named pipe this test writes the rows into and keeps open: the spool is under
        // way until the signal. (A `sleep` holding a pipe would also hold the descriptor Foundation's Process
        // watches for the child's exit.)
        let fifo = workspace.path("rows.fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        let rows = try Data(contentsOf: URL(fileURLWithPath: workspace.path("in.csv")))
        let writer = Locked<Int32>(-1)
        Thread.detachNewThread {
            let fd = open(fifo, O_WRONLY)
            _ = rows.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            writer.withLock { $0 = fd }
        }
        defer { writer.withLock { fd in if fd >= 0 { close(fd) } } }
        let binary = try BinaryLocator.orderbatch().path
        let child = try ChildProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [
                "-c", #"cd "$1" && exec "$0" run "$2" --input - --format csv < rows.fifo"#, binary, workspace.directory,
                job,
            ], environment: OrderBatchCLI.demoEnvironment)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: spoolDirectory) && Date() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        try #require(FileManager.default.fileExists(atPath: spoolDirectory), "the spool never started")
        child.send(SIGTERM)
        #expect(try await child.exit() == ChildProcess.Exit(status: 3, bySignal: false))
        #expect(child.stderr.contains("run the same command again"), "\(child.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDirectory) == [])
        #expect(!FileManager.default.fileExists(atPath: workspace.db), "nothing recorded")
    }

    @Test func anInterruptedIngestResumesFromAnotherDirectory() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let rows = 40_000
        let emulator = try await ExternalEmulator([])
        try workspace.juspayCSV("in.csv", prefix: "ABS", count: rows)
        // Job and input named relative to the workspace, where the run is started.
        try workspace.job("absolute", endpoint: emulator.url, input: "in.csv", extra: "preflight: false\n")
        let binary = try BinaryLocator.orderbatch().path
        let child = try ChildProcess(
            URL(fileURLWithPath: "/bin/bash"),
            ["-c", #"cd "$1" && exec "$0" run absolute.yaml --run-id ab"#, binary, workspace.directory],
            environment: OrderBatchCLI.demoEnvironment)
        _ = try await OrderBatchCLI.waitForCounts(run: "ab", db: workspace.db) { $0["total", default: 0] > 0 }
        child.send(SIGKILL)
        #expect(try await child.exit() == ChildProcess.Exit(status: SIGKILL, bySignal: true))
        let status = try JSON.object(
            try await OrderBatchCLI.run(["status", "ab", "--db", workspace.db, "--json"]).stdout)
        try #require(status["state"] as? String == "ingesting", "the kill landed after the ingest: \(status)")
        #expect(status["input"] as? String == workspace.path("in.csv"), "recorded absolute: \(status)")

        // From another directory: the recorded path still names the file.
        let resume = try await run(["resume", "ab", "--db", workspace.db, "--deadline", "1ms", "--json"], in: "/")
        #expect(resume.exit.status == 3, "\(resume.stderr)")
        #expect(!resume.stderr.contains("cannot be read any more"), "\(resume.stderr)")
        let counts = try #require(try JSON.object(resume.stdout)["counts"] as? [String: Int])
        #expect(counts["total"] == rows)
        try await emulator.stop()
    }
}
