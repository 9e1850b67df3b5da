import Foundation
import OrderBatchCore
import OrderBatchEmulator
import OrderBatchTestSupport
import Testing

/// `orderbatch run`, `status`, `report` and `retry` as real processes against `orderbatch emulator`
/// on loopback; every row's fate is checked against the emulator's counters.
@Suite struct RunCommandTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    // MARK: - Happy paths

    @Test(arguments: StoreKind.allCases) func aJuspayRunSucceedsWithTheJSONSummaryMetricsAndStatusInAgreement(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let input = try workspace.juspayCSV("in.csv", prefix: "HAP", count: 8)
        // A generous request timeout: the counts below are exact, and Juspay's 1 s default times out (and
        // retries) an answer from an emulator starved of CPU by other builds on the machine.
        let job = try workspace.job(
            "happy", endpoint: emulator.url, input: input, extra: "timeouts:\n  request: 20s\n")
        let metrics = workspace.path("happy.prom")

        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "h1", "--json", "--metrics", metrics])
        #expect(result.exit == ChildProcess.Exit(status: 0, bySignal: false), "\(result.stderr)")
        let summary = try JSON.object(result.stdout)
        #expect(
            Set(summary.keys) == [
                "run_id", "job", "provider", "state", "reason", "exit_code", "elapsed_seconds", "attempts",
                "preflights", "reconciles", "retries", "rate_limited", "counts", "invocation_kind", "endpoint",
                "rate_limit", "invocation", "whole_run",
            ])
        #expect(summary["run_id"] as? String == "h1")
        #expect(summary["job"] as? String == "happy")
        #expect(summary["provider"] as? String == "juspay")
        #expect(summary["state"] as? String == "finished")
        #expect(summary["reason"] is NSNull)
        #expect(summary["exit_code"] as? Int == 0)
        #expect(summary["attempts"] as? Int == 8)
        #expect(summary["preflights"] as? Int == 8)
        #expect(summary["reconciles"] as? Int == 0)
        #expect(summary["retries"] as? Int == 0)
        let counts = try #require(summary["counts"] as? [String: Int])
        #expect(
            counts == [
                "total": 8, "succeeded": 8, "failed": 0, "skipped": 0, "invalid": 0, "unknown": 0, "pending": 0,
            ])

        let stats = try await emulator.stats()
        #expect(stats.appliedTotal == 8)
        #expect(
            stats.appliedByOrder == Dictionary(uniqueKeysWithValues: (1...8).map { (Workspace.orderID("HAP", $0), 1) }))
        #expect(stats.requestsByRoute["POST /orders/{order_id}"] == 8)
        #expect(stats.requestsByRoute["GET /orders/{order_id}"] == 8)

        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("# TYPE orderbatch_rows gauge\n"))
        #expect(text.contains(#"orderbatch_rows{job="happy",provider="juspay",state="succeeded"} 8"# + "\n"), "\(text)")
        #expect(text.contains(#"orderbatch_rows{job="happy",provider="juspay",state="failed"} 0"# + "\n"))
        #expect(text.contains("# TYPE orderbatch_run_attempts gauge\n"))
        #expect(text.contains(#"orderbatch_run_attempts{job="happy",provider="juspay"} 8"# + "\n"))
        #expect(text.contains(#"orderbatch_run_retries{job="happy",provider="juspay"} 0"# + "\n"))
        #expect(text.contains(#"orderbatch_last_run_exit_code{job="happy",provider="juspay"} 0"# + "\n"))
        #expect(text.contains(#"orderbatch_last_run_info{job="happy",provider="juspay",run_id="h1"} 1"# + "\n"))

        let status = try await OrderBatchCLI.run(["status", "h1", "--db", workspace.db, "--json"])
        #expect(status.exit.status == 0)
        let object = try JSON.object(status.stdout)
        #expect(object["run_id"] as? String == "h1")
        #expect(object["job"] as? String == "happy")
        #expect(object["state"] as? String == "finished")
        #expect(object["input"] as? String == input)
        #expect(object["finished_at"] is String)
        let stored = try #require(object["counts"] as? [String: Int])
        #expect(stored["total"] == 8 && stored["succeeded"] == 8 && stored["pending"] == 0 && stored["failed"] == 0)
        #expect(try workspace.items(run: "h1").allSatisfy { $0.state == .succeeded && $0.attempts == 1 })
        try await emulator.stop()
    }

    @Test(arguments: StoreKind.allCases) func aRapydRunAppliesMetadataAndStatusToSeededOrders(
        _ store: StoreKind
    ) async throws {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(
            ["--orders", Self.root + "/samples/rapyd-orders.jsonl", "--unknown-orders", "not-found"])
        let sample = try String(contentsOfFile: Self.root + "/samples/rapyd-metadata.jsonl", encoding: .utf8)
        let lines = sample.split(separator: "\n").prefix(9)
        let input = try workspace.write("in.jsonl", lines.joined(separator: "\n") + "\n")
        let job = try workspace.job("rapyd", provider: "rapyd", endpoint: emulator.url, input: input)

        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "r1", "--json"])
        #expect(result.exit.status == 0, "\(result.stdout)\n\(result.stderr)")
        let counts = try #require(try JSON.object(result.stdout)["counts"] as? [String: Int])
        #expect(counts["succeeded"] == 9 && counts["total"] == 9)

        let stats = try await emulator.stats()
        let ids = lines.compactMap { try? JSON.object(String($0))["order_id"] as? String }
        #expect(ids.count == 9)
        #expect(stats.appliedByOrder == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }))
        #expect(stats.rejectedSignatures == 0 && stats.rejectedAuth == 0 && stats.statusRuleRejections == 0)
        #expect(stats.idempotentReplays == 0 && stats.keysReusedWithDifferentBody == 0)
        // Every third row moves a pending order to paid.
        let third = try await HTTPProbe.send("GET", emulator.url + "/__emulator/orders/rapyd/" + ids[2])
        #expect(third.json["status"] as? String == "paid", "\(third.body)")
        #expect((third.json["metadata"] as? [String: Any])?["line"] as? Int == 3, "\(third.body)")
        let keys = try workspace.items(run: "r1").map(\.idempotencyKey)
        #expect(keys == (1...9).map { "ob-r1-\($0)-g1" })
        try await emulator.stop()
    }

    /// The sample jobs of the README run end to end against their built-in emulator (`endpoint:
    /// emulator`, the `emulator:` section seeding the Rapyd orders), into a database of the test's own.
    @Test(arguments: StoreKind.allCases) func theSampleJobsRunAgainstTheBuiltInEmulator(_ store: StoreKind) async throws
    {
        let workspace = try Workspace(store: store)
        defer { workspace.remove() }
        let juspay = try await OrderBatchCLI.run(
            ["run", Self.root + "/jobs/juspay-reprice.yaml", "--db", workspace.db, "--run-id", "sj", "--json"])
        #expect(juspay.exit.status == 0, "\(juspay.stderr)")
        #expect((try JSON.object(juspay.stdout)["counts"] as? [String: Int])?["succeeded"] == 120)
        // Rapyd's published windows pace 80 requests over ~25 s; lift them for the test.
        let rapyd = try await OrderBatchCLI.run(
            ["run", Self.root + "/jobs/rapyd-metadata.yaml", "--db", workspace.db, "--run-id", "sr", "--rate", "none"])
        #expect(rapyd.exit.status == 0, "\(rapyd.stderr)")
        #expect(rapyd.stdout.contains("40 rows: 40 succeeded, 0 failed, 0 skipped"), "\(rapyd.stdout)")
        #expect(rapyd.stderr.contains("endpoint emulator: started the built-in emulator at http://127.0.0.1:"))
        let list = try await OrderBatchCLI.run(["status", "--db", workspace.db])
        #expect(list.stdout.contains("sr   rapyd-metadata  finished"), "\(list.stdout)")
        #expect(list.stdout.contains("sj   juspay-reprice  finished"), "\(list.stdout)")
    }

    // MARK: - Invalid input

    @Test func invalidInputExitsTwoAndSendsAndRecordsNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let input = try workspace.write(
            "in.csv",
            "order_id,routing_id,amount\nINV00001,c1,1.00\nINV/0002,c2,2.00\nINV00003,c3,3.001\nINV00004,c4,4.00\nINV00005,,5.00\n"
        )
        let job = try workspace.job("invalid", endpoint: emulator.url, input: input)

        let refused = try await OrderBatchCLI.run(["run", job, "--run-id", "i1"])
        #expect(refused.exit.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(input):3: order_id: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("\(input):4: amount: "))
        #expect(refused.stderr.contains("\(input):6: routing_id: "))
        #expect(refused.stderr.contains("3 of 5 rows are invalid; nothing was sent"))
        #expect(try await emulator.stats().requests == 0)
        // Nothing was recorded: no database, or no run in it.
        if FileManager.default.fileExists(atPath: workspace.db) {
            let status = try await OrderBatchCLI.run(["status", "i1", "--db", workspace.db])
            #expect(status.exit.status == 64, "a refused input was recorded: \(status.stdout)")
        }

        let skipped = try await OrderBatchCLI.run(["run", job, "--run-id", "i2", "--skip-invalid", "--json"])
        #expect(skipped.exit.status == 1, "\(skipped.stderr)")
        let counts = try #require(try JSON.object(skipped.stdout)["counts"] as? [String: Int])
        #expect(counts["total"] == 5 && counts["succeeded"] == 2 && counts["invalid"] == 3 && counts["pending"] == 0)
        let stats = try await emulator.stats()
        #expect(stats.appliedByOrder == ["INV00001": 1, "INV00004": 1])
        #expect(stats.requestsByRoute["POST /orders/{order_id}"] == 2)

        let items = try workspace.items(run: "i2")
        #expect(items.filter { $0.state == .invalid }.map(\.line) == [3, 4, 6])
        #expect(items.filter { $0.state == .invalid }.allSatisfy { $0.validationError?.isEmpty == false })
        let report = try await OrderBatchCLI.run(
            ["report", "i2", "--db", workspace.db, "--state", "invalid", "--format", "jsonl"])
        let rows = try report.stdout.split(separator: "\n").map { try JSON.object(String($0)) }
        #expect(rows.map { $0["ob_input_line"] as? Int } == [3, 4, 6])
        #expect(rows.map { $0["order_id"] as? String } == ["INV/0002", "INV00003", "INV00005"])
        try await emulator.stop()
    }

    // MARK: - Dry run and secrets

    @Test func aDryRunPrintsTheRequestsMaskedAndSendsNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let secret = "jp_e2e_dry_\(UUID().uuidString.prefix(8))"
        let emulator = try await ExternalEmulator(environment: ["JUSPAY_API_KEY": secret])
        let input = try workspace.juspayCSV("in.csv", prefix: "DRY", count: 3)
        let job = try workspace.job("dry", endpoint: emulator.url, input: input)

        let result = try await OrderBatchCLI.run(["run", job, "--dry-run"], environment: ["JUSPAY_API_KEY": secret])
        #expect(result.exit.status == 0, "\(result.stderr)")
        for i in 1...3 {
            #expect(
                result.stdout.contains("POST \(emulator.url)/orders/\(Workspace.orderID("DRY", i))\n"),
                "\(result.stdout)")
            #expect(result.stdout.contains("\namount=\(i).5&udf1=e2e\n"))
        }
        // Each row's preflight status read, then its update: 6 requests, each with the key masked.
        for i in 1...3 {
            #expect(
                result.stdout.contains(
                    "# line \(i + 1): status read (preflight)\nGET \(emulator.url)/orders/\(Workspace.orderID("DRY", i))\n"
                ),
                "\(result.stdout)")
        }
        #expect(result.stdout.components(separatedBy: "Authorization: Basic ***\n").count == 7)
        #expect(
            result.stdout.contains(
                "# dry run: 6 requests would be sent to \(emulator.url): 3 status reads (preflight), 3 updates; nothing was sent\n"
            ), "\(result.stdout)")
        #expect(try await emulator.stats().requests == 0)
        let basic = Data((secret + ":").utf8).base64EncodedString()
        for output in [result.stdout, result.stderr] {
            #expect(!output.contains(secret) && !output.contains(basic))
        }
        #expect(
            !FileManager.default.fileExists(atPath: workspace.db)
                || !workspace.databaseBytes().contains(Data(secret.utf8)))

        // Rapyd: neither key appears either.
        let access = "rak_e2e_dry_\(UUID().uuidString.prefix(8))"
        let key = "rsk_e2e_dry_\(UUID().uuidString.prefix(8))"
        let rapydInput = try workspace.write(
            "in.jsonl", #"{"order_id":"order_dry1","metadata":{"a":1}}"# + "\n")
        let rapydJob = try workspace.job("dry-rapyd", provider: "rapyd", endpoint: emulator.url, input: rapydInput)
        let rapyd = try await OrderBatchCLI.run(
            ["run", rapydJob, "--dry-run"], environment: ["RAPYD_ACCESS_KEY": access, "RAPYD_SECRET_KEY": key])
        #expect(rapyd.exit.status == 0, "\(rapyd.stderr)")
        #expect(rapyd.stdout.contains("POST \(emulator.url)/v1/orders/order_dry1\n"), "\(rapyd.stdout)")
        #expect(rapyd.stdout.contains("GET \(emulator.url)/v1/orders/order_dry1\naccess_key: ***\nsalt: ***\n"))
        for output in [rapyd.stdout, rapyd.stderr] {
            #expect(!output.contains(access) && !output.contains(key))
        }
        #expect(try await emulator.stats().requests == 0)
        try await emulator.stop()
    }

    @Test(arguments: ["juspay", "rapyd"])
    func credentialsNeverReachTheOutputTheReportsOrTheDatabase(provider: String) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let tag = UUID().uuidString.prefix(8)
        let credentials: [String: String?] = [
            "JUSPAY_API_KEY": "jp_e2e_secret_\(tag)", "RAPYD_ACCESS_KEY": "rak_e2e_secret_\(tag)",
            "RAPYD_SECRET_KEY": "rsk_e2e_secret_\(tag)",
        ]
        let secrets =
            credentials.values.compactMap { $0 }
            + ["jp_e2e_secret_\(tag):"].map {
                Data($0.utf8).base64EncodedString()
            }
        let emulator = try await ExternalEmulator(["--unknown-orders", "not-found"], environment: credentials)
        let input: String
        if provider == "juspay" {
            input = try workspace.juspayCSV("in.csv", prefix: "SEC", count: 2)
        } else {
            input = try workspace.write(
                "in.jsonl",
                #"{"order_id":"order_sec1","metadata":{"a":1}}"# + "\n"
                    + #"{"order_id":"order_sec2","coupon":"coupon_x1"}"# + "\n")
        }
        // The orders do not exist: the rows fail, so provider messages reach the store and the report.
        let job = try workspace.job("secrets", provider: provider, endpoint: emulator.url, input: input)
        let metrics = workspace.path("m.prom")
        let run = try await OrderBatchCLI.run(
            ["run", job, "--run-id", "s1", "--metrics", metrics], environment: credentials)
        #expect(run.exit.status == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(try await emulator.stats().rejectedAuth == 0)
        let report = try await OrderBatchCLI.run(["report", "s1", "--db", workspace.db, "--state", "all"])
        #expect(report.stdout.contains("failed"), "\(report.stdout)")
        let status = try await OrderBatchCLI.run(["status", "s1", "--db", workspace.db])
        let texts = [
            run.stdout, run.stderr, report.stdout, report.stderr, status.stdout,
            (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "",
        ]
        let bytes = workspace.databaseBytes()
        #expect(!bytes.isEmpty)
        for secret in secrets {
            #expect(!texts.contains { $0.contains(secret) }, "\(secret) printed")
            #expect(!bytes.contains(Data(secret.utf8)), "\(secret) stored in the state database")
        }
        try await emulator.stop()
    }

    @Test func aLoopbackURLEndpointWithoutCredentialsExits64AndRecordsNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator()
        let input = try workspace.juspayCSV("in.csv", prefix: "CRD", count: 2)
        let job = try workspace.job("nocred", endpoint: emulator.url, input: input)
        let result = try await OrderBatchCLI.run(["run", job, "--run-id", "c1"], environment: ["JUSPAY_API_KEY": nil])
        #expect(result.exit == ChildProcess.Exit(status: 64, bySignal: false), "\(result.stderr)")
        #expect(result.stderr.contains("JUSPAY_API_KEY is not set"), "\(result.stderr)")
        #expect(try await emulator.stats().requests == 0)
        // Nothing was recorded, so fixing the environment and running again is all it takes.
        if FileManager.default.fileExists(atPath: workspace.db) {
            #expect(try await OrderBatchCLI.run(["status", "c1", "--db", workspace.db]).exit.status == 64)
        }
        let again = try await OrderBatchCLI.run(["run", job, "--run-id", "c1"])
        #expect(again.exit.status == 0, "\(again.stderr)")
        #expect(try await emulator.stats().appliedTotal == 2)
        try await emulator.stop()
    }

    // MARK: - Re-runs and leases
}
