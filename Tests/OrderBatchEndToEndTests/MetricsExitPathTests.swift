import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// `--metrics FILE` is written on every exit of `run`, `resume` and `retry` once the job is parsed, and
/// `orderbatch_last_run_exit_code` shows the real code: 2 (invalid input), 3 (stopped, or a refused re-run),
/// 64 (a usage error after the job was read), 75 (lease held). Before the fix only 0, 1 and 3 after
/// execution wrote the file.
@Suite struct MetricsExitPathTests {
    /// The metrics file's samples, `name{labels}` → value.
    private func samples(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var samples: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return samples
    }

    @Test func invalidInputUsageErrorsAndARefusedRerunWriteTheirExitCode() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "MET", count: 20)
        let job = try workspace.job("metered", endpoint: "emulator", input: input, extra: "preflight: false\n")
        let metrics = workspace.path("m.prom")
        let labels = #"{job="metered",provider="juspay"}"#

        // 2: invalid input, nothing recorded; every row count is 0 and no run is named.
        let bad = try workspace.write("bad.csv", "order_id,routing_id,amount,udf1\nMET00001,cust1,-5,e2e\n")
        let invalid = try await OrderBatchCLI.run(["run", job, "--input", bad, "--metrics", metrics])
        #expect(invalid.exit.status == 2, "\(invalid.stderr)")
        var m = try samples(metrics)
        #expect(m["orderbatch_last_run_exit_code" + labels] == "2")
        #expect(m[#"orderbatch_rows{job="metered",provider="juspay",state="pending"}"#] == "0")
        #expect(m["orderbatch_run_attempts" + labels] == "0")
        #expect(m[#"orderbatch_last_run_info{job="metered",provider="juspay",run_id=""}"#] == "1", "\(m)")

        // 64 once the job is read: a bad option value.
        let usage = try await OrderBatchCLI.run(["run", job, "--rate", "lots", "--metrics", metrics])
        #expect(usage.exit.status == 64, "\(usage.stderr)")
        #expect(try samples(metrics)["orderbatch_last_run_exit_code" + labels] == "64")

        // 3: a run stopped by its deadline, then a second `run` of the same input, refused: it points at the
        // first run, whose rows the metrics show.
        let stopped = try await OrderBatchCLI.run([
            "run", job, "--run-id", "m1", "--deadline", "1ms", "--metrics", metrics,
        ])
        #expect(stopped.exit.status == 3, "\(stopped.stderr)")
        try FileManager.default.removeItem(atPath: metrics)
        let refused = try await OrderBatchCLI.run(["run", job, "--run-id", "m2", "--metrics", metrics])
        #expect(refused.exit.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("Continue it: orderbatch resume m1"), "\(refused.stderr)")
        m = try samples(metrics)
        #expect(m["orderbatch_last_run_exit_code" + labels] == "3")
        #expect(m[#"orderbatch_last_run_info{job="metered",provider="juspay",run_id="m1"}"#] == "1", "\(m)")
        let counts = try #require(try await OrderBatchCLI.counts(run: "m1", db: workspace.db))
        #expect(
            m[#"orderbatch_rows{job="metered",provider="juspay",state="pending"}"#] == String(counts["pending"] ?? -1))

        // A job file that does not parse: nothing to label metrics with, no file.
        try FileManager.default.removeItem(atPath: metrics)
        let broken = try workspace.write("broken.yaml", "name: [\n")
        #expect(try await OrderBatchCLI.run(["run", broken, "--metrics", metrics]).exit.status == 64)
        #expect(!FileManager.default.fileExists(atPath: metrics))
    }

    @Test func aHeldLeaseWritesExit75ForRunAndResume() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let input = try workspace.juspayCSV("in.csv", prefix: "LEA", count: 5)
        let job = try workspace.job("held", endpoint: "emulator", input: input, extra: "preflight: false\n")
        let metrics = workspace.path("m.prom")
        let labels = #"{job="held",provider="juspay"}"#
        let first = try await OrderBatchCLI.run(["run", job, "--run-id", "h1", "--deadline", "1ms"])
        #expect(first.exit.status == 3, "\(first.stderr)")

        // Another live process (this test) holds the job's lease.
        let store = try SQLiteRunStore(path: workspace.db)
        let owner = LeaseOwner.current()
        #expect(
            try store.acquireLease(jobName: "held", runID: "h1", owner: owner, ttlSeconds: 60)
                == .acquired(takenOver: []))
        let run = try await OrderBatchCLI.run(["run", job, "--run-id", "h2", "--allow-rerun", "--metrics", metrics])
        #expect(run.exit.status == 75, "\(run.stderr)")
        #expect(try samples(metrics)["orderbatch_last_run_exit_code" + labels] == "75")
        try FileManager.default.removeItem(atPath: metrics)
        let resume = try await OrderBatchCLI.run(["resume", "h1", "--db", workspace.db, "--metrics", metrics])
        #expect(resume.exit.status == 75, "\(resume.stderr)")
        let m = try samples(metrics)
        #expect(m["orderbatch_last_run_exit_code" + labels] == "75")
        #expect(m[#"orderbatch_last_run_info{job="held",provider="juspay",run_id="h1"}"#] == "1", "\(m)")

        try store.releaseLease(jobName: "held", runID: "h1", owner: owner)
        try store.close()
        let finished = try await OrderBatchCLI.run(
            ["resume", "h1", "--db", workspace.db, "--deadline", "none", "--metrics", metrics])
        #expect(finished.exit.status == 0, "\(finished.stderr)")
        #expect(try samples(metrics)["orderbatch_last_run_exit_code" + labels] == "0")
        #expect(try samples(metrics)[#"orderbatch_rows{job="held",provider="juspay",state="succeeded"}"#] == "5")
    }
}
