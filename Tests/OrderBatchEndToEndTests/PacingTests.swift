import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// `resume` and `retry` at another pace: `--concurrency`, `--rate`, `--max-failures` and `--deadline` for one
/// invocation, recorded with it and shown by `status`; a job file edited since the run is named, never
/// silently ignored; a finished run is said to be finished.
@Suite struct PacingTests {
    @Test func aRunStoppedByMaxFailuresGoesOnWithAHigherLimitAndStatusShowsEachInvocation() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--unknown-orders", "not-found"])
        let input = try workspace.juspayCSV("in.csv", prefix: "PAC", count: 20)
        let job = try workspace.job(
            "pace", endpoint: emulator.url, input: input, extra: "concurrency: 1\nmax_failures: 2\n")
        let first = try await OrderBatchCLI.run(["run", job, "--run-id", "p1"])
        #expect(first.exit.status == 3, "\(first.stderr)")

        // The same limit: said plainly, and the run stops again at the next failure.
        let same = try await OrderBatchCLI.run(["resume", "p1", "--db", workspace.db])
        #expect(same.exit.status == 3, "\(same.stderr)")
        #expect(
            same.stderr.contains(
                "orderbatch: run p1 has 3 failed rows and max_failures is 2: the next failure stops it again; to let "
                    + "it go on, pass a higher limit: --max-failures N with N above 3, or a share of at least 20%\n"),
            "\(same.stderr)")
        #expect(try await emulator.stats().requests == 4)

        // The job file was edited since: named, with what it says and the flags that would apply it.
        let edited = try String(contentsOfFile: job, encoding: .utf8)
            .replacingOccurrences(of: "concurrency: 1", with: "concurrency: 3\nrate_limit: 50")
        try workspace.write("pace.yaml", edited)
        let higher = try await OrderBatchCLI.run([
            "resume", "p1", "--job", job, "--max-failures", "50", "--rate", "200", "--deadline", "10m",
        ])
        #expect(higher.exit.status == 1, "\(higher.stdout)\n\(higher.stderr)")
        #expect(higher.stdout.contains("20 rows: 0 succeeded, 20 failed"), "\(higher.stdout)")
        #expect(
            higher.stderr.contains(
                "orderbatch: run p1: the job file \(job) differs from the job recorded with the run; this resume uses "
                    + "the recorded job, not the file: concurrency 1, rate 200/1s (--rate), max_failures 50 "
                    + "(--max-failures), deadline 10m (--deadline) (the file says concurrency 3; to use it for this "
                    + "invocation: --concurrency 3). Other changes to a job need a new run.\n"),
            "\(higher.stderr)")
        #expect(try await emulator.stats().requests == 20)

        let status = try await OrderBatchCLI.run(["status", "p1", "--db", workspace.db])
        let lines = status.stdout.split(separator: "\n").map(String.init)
        let stamp = try Regex(#"^(invocations|           )   \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  "#)
        let invocations = lines.drop { !$0.hasPrefix("invocations") }.prefix(3).map { $0.replacing(stamp, with: "") }
        #expect(
            invocations == ["run", "resume", "resume --rate 200 --max-failures 50 --deadline 10m"], "\(status.stdout)")
        #expect(
            lines.contains(
                "pace          concurrency 1, rate 200/1s (--rate), max_failures 50 (--max-failures), deadline 10m (--deadline)"
            ), "\(status.stdout)")

        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "p1", "--db", workspace.db, "--json"]).stdout)
        let list = try #require(json["invocations"] as? [[String: Any]])
        #expect(list.map { $0["command"] as? String } == ["run", "resume", "resume"])
        #expect(list.map { ($0["overrides"] as? [String: Any])?.count } == [0, 0, 3])
        let last = try #require(list.last?["overrides"] as? [String: String])
        #expect(last == ["rate": "200", "max_failures": "50", "deadline": "10m"])
        let pace = try #require(json["pace"] as? [String: Any])
        #expect(pace["concurrency"] as? Int == 1 && pace["rate"] as? String == "200/1s")
        #expect(pace["max_failures"] as? String == "50" && pace["deadline"] as? String == "10m")
        try await emulator.stop()
    }

    @Test func retryTakesTheSameFlagsAndABadOneSendsNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--unknown-orders", "not-found"])
        let input = try workspace.juspayCSV("in.csv", prefix: "RTP", count: 3)
        let job = try workspace.job("retrypace", endpoint: emulator.url, input: input)
        #expect(try await OrderBatchCLI.run(["run", job, "--run-id", "rp"]).exit.status == 1)
        let bad = try await OrderBatchCLI.run(["retry", "rp", "--db", workspace.db, "--rate", "fast"])
        #expect(bad.exit.status == 64, "\(bad.stderr)")
        #expect(
            bad.stderr == "orderbatch: --rate fast: give requests per second (5) or windows such as 200/1m,1000/5m\n")
        let tooMany = try await OrderBatchCLI.run(["retry", "rp", "--db", workspace.db, "--concurrency", "0"])
        #expect(tooMany.exit.status == 64 && tooMany.stderr.contains("--concurrency must be from 1 to 256"))
        #expect(try await emulator.stats().requests == 3)

        try await emulator.restart(["--unknown-orders", "create"])
        let retry = try await OrderBatchCLI.run(["retry", "rp", "--db", workspace.db, "--concurrency", "1"])
        #expect(retry.exit.status == 0, "\(retry.stderr)")
        #expect(
            retry.stderr.contains(
                "orderbatch: run rp: this retry runs with concurrency 1 (--concurrency), rate none, max_failures none, "
                    + "deadline none\n"), "\(retry.stderr)")
        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "rp", "--db", workspace.db, "--json"]).stdout)
        let list = try #require(json["invocations"] as? [[String: Any]])
        #expect(list.map { $0["command"] as? String } == ["run", "retry"])
        #expect((list.last?["overrides"] as? [String: Int]) == ["concurrency": 1])

        // Nothing failed any more: retry says so and sends nothing.
        let again = try await OrderBatchCLI.run(["retry", "rp", "--db", workspace.db])
        #expect(again.exit.status == 0, "\(again.stderr)")
        #expect(again.stderr == "orderbatch: run rp has no failed rows and none left to send; nothing was sent\n")
        #expect(again.stdout.isEmpty)
        try await emulator.stop()
    }

    @Test func resumeOfAFinishedRunSaysSoAndStartsNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "FIN", count: 3)
        let job = try workspace.job("finished", endpoint: "emulator", input: input)
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "f1"])
        #expect(run.exit.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("started the built-in emulator"))

        let resume = try await OrderBatchCLI.run(["resume", "f1", "--db", workspace.db])
        #expect(resume.exit.status == 0, "\(resume.stderr)")
        #expect(resume.stdout.isEmpty, "\(resume.stdout)")
        let pattern =
            #"^orderbatch: run f1 finished at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(3 rows: 3 succeeded, 0 failed, "#
            + #"0 skipped, 0 invalid\); nothing to resume, nothing was sent\n$"#
        #expect(resume.stderr.wholeMatch(of: try Regex(pattern)) != nil, "\(resume.stderr)")
        // Nothing started, nothing recorded: the run's one invocation is still its `run`.
        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "f1", "--db", workspace.db, "--json"]).stdout)
        #expect((json["invocations"] as? [Any])?.count == 1)
    }

    @Test func statusListsTheLastTenInvocationsAndJSONListsThemAll() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "TEN", count: 1)
        let job = try workspace.job(
            "ten", endpoint: "emulator", input: input,
            extra: "preflight: false\nemulator:\n  unknown_orders: not-found\n")
        #expect(try await OrderBatchCLI.run(["run", job, "--run-id", "t1"]).exit.status == 1)
        for attempt in 1...11 {
            let retry = try await OrderBatchCLI.run(["retry", "t1", "--db", workspace.db, "--rate", "\(attempt)"])
            #expect(retry.exit.status == 1, "\(retry.stderr)")
        }
        let text = try await OrderBatchCLI.run(["status", "t1", "--db", workspace.db]).stdout
        let lines = text.split(separator: "\n").drop { !$0.hasPrefix("invocations") }.prefix(11).map(String.init)
        #expect(lines.first == "invocations   (2 earlier; --json lists them all)", "\(text)")
        #expect(lines.last?.hasSuffix("  retry --rate 11") == true && lines[1].hasSuffix("  retry --rate 2"), "\(text)")
        let json = try JSON.object(
            try await OrderBatchCLI.run(["status", "t1", "--db", workspace.db, "--json"]).stdout)
        #expect((json["invocations"] as? [Any])?.count == 12)
    }
}
