import Foundation
import OrderBatchCore
import OrderBatchTestSupport
import Testing

/// `orderbatch status` and `orderbatch report`, run as real processes over a state database the test fills
/// through the store, for each kind of state database.
@Suite struct StatusReportCommandTests {
    /// A temporary directory holding `state.sqlite` with two runs:
    ///
    /// - `r-1` (CSV input, stopped by the deadline): seq 1 succeeded, 2 failed (its `note` is a formula),
    ///   3 unknown, 4 invalid, 5 skipped, 6 pending.
    /// - `r-2` (JSONL input whose lines have different members, finished): two failed rows.
    private struct Fixture {
        let directory: String
        /// The SQLite file, or a schema of its own on the test PostgreSQL server.
        let db: String

        /// `--db` as the commands print it in the lines they suggest.
        var dbWord: String { ShellWord.quote(db) }

        init(_ kind: StoreKind) throws {
            directory =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("e2e-status-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            db = kind == .sqlite ? directory + "/state.sqlite" : try TestPostgres.freshURL("status")
            let store = try StateDatabase.open(db, purpose: .create)
            defer { try? store.close() }

            try store.createRun(
                NewRun(
                    id: "r-1", jobName: "reprice", jobPath: "jobs/reprice.yaml", jobText: "name: reprice\n",
                    provider: "juspay", inputPath: "inputs/reprice.csv",
                    inputSHA256: String(repeating: "ab", count: 32),
                    optionsJSON: "{}", createdAt: Date(timeIntervalSince1970: 1_800_000_000)))
            func csv(_ id: String, _ amount: String, _ note: String) -> String {
                #"{"order_id":"\#(id)","amount":"\#(amount)","note":"\#(note)"}"#
            }
            try store.insertItems(
                runID: "r-1",
                [
                    .pending(seq: 1, line: 2, orderID: "ORD-1", payload: "{}", inputJSON: csv("ORD-1", "10.00", "ok")),
                    .pending(
                        seq: 2, line: 3, orderID: "ORD-2", payload: "{}", inputJSON: csv("ORD-2", "11.00", "=cmd()")),
                    .pending(seq: 3, line: 4, orderID: "ORD-3", payload: "{}", inputJSON: csv("ORD-3", "12.00", "")),
                    .invalid(
                        seq: 4, line: 5, inputJSON: csv("", "abc", "-5"), errorMessage: "amount: not a decimal number"),
                    .pending(
                        seq: 5, line: 6, orderID: "ORD-5", payload: "{}", inputJSON: csv("ORD-5", "14.00", "@home")),
                    .pending(
                        seq: 6, line: 7, orderID: "ORD-6", payload: "{}", inputJSON: csv("ORD-6", "15.00", "later")),
                ])
            try store.setRunState(id: "r-1", .running, reason: nil)
            try store.record([
                ItemResult(runID: "r-1", seq: 1, generation: 1, state: .succeeded, attempts: 1, httpStatus: 200),
                ItemResult(
                    runID: "r-1", seq: 2, generation: 1, state: .failed, attempts: 1, httpStatus: 400,
                    errorCode: "NOT_FOUND", message: #"order "ORD-2" not found, check the id"#),
                ItemResult(
                    runID: "r-1", seq: 3, generation: 1, state: .unknown, attempts: 2, errorCode: "timeout",
                    message: "no response within 1s after sending"),
                ItemResult(
                    runID: "r-1", seq: 5, generation: 1, state: .skipped, attempts: 0, errorCode: "preflight",
                    message: "order is CHARGED"),
            ])
            try store.setRunState(id: "r-1", .stopped, reason: "deadline")

            try store.createRun(
                NewRun(
                    id: "r-2", jobName: "rapyd-meta", jobPath: "jobs/rapyd.yaml", jobText: "name: rapyd-meta\n",
                    provider: "rapyd", inputPath: "inputs/meta.jsonl", inputSHA256: String(repeating: "cd", count: 32),
                    optionsJSON: "{}", createdAt: Date(timeIntervalSince1970: 1_800_000_060)))
            try store.insertItems(
                runID: "r-2",
                [
                    .pending(
                        seq: 1, line: 1, orderID: "J-1", payload: "{}", inputJSON: #"{"order_id":"J-1","amount":13.50}"#
                    ),
                    .pending(
                        seq: 2, line: 2, orderID: "J-2", payload: "{}",
                        inputJSON: #"{"order_id":"J-2","metadata":{"k":"v"}}"#),
                ])
            try store.setRunState(id: "r-2", .running, reason: nil)
            try store.record([
                ItemResult(
                    runID: "r-2", seq: 1, generation: 1, state: .failed, attempts: 3, httpStatus: 503,
                    errorCode: "http_503", message: "service unavailable"),
                ItemResult(
                    runID: "r-2", seq: 2, generation: 1, state: .failed, attempts: 1, httpStatus: 400,
                    errorCode: "ERROR_ORDER_NOT_FOUND", message: "The order was not found."),
            ])
            try store.setRunState(id: "r-2", .finished, reason: nil)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    private func orderbatch(
        _ arguments: [String]
    ) async throws -> (exit: ChildProcess.Exit, stdout: String, stderr: String) {
        try await ChildProcess.run(try BinaryLocator.orderbatch(), arguments)
    }

    private func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not an object: \(text)")
    }

    // MARK: - status

    @Test(arguments: StoreKind.allCases) func listsRecentRunsNewestFirstAsAnAlignedTable(_ kind: StoreKind) async throws
    {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let result = try await orderbatch(["status", "--db", fixture.db])
        #expect(result.exit.status == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                RUN  JOB         STATE               CREATED               TOTAL  SUCCEEDED  FAILED  SKIPPED  INVALID  LEFT
                r-2  rapyd-meta  finished            2027-01-15T08:01:00Z      2          0       2        0        0     0
                r-1  reprice     stopped (deadline)  2027-01-15T08:00:00Z      6          1       1        1        1     2

                """)
        let limited = try await orderbatch(["status", "--db", fixture.db, "--limit", "1"])
        #expect(limited.stdout.split(separator: "\n").count == 2)
        #expect(limited.stdout.contains("r-2") && !limited.stdout.contains("r-1"))
    }

    @Test(arguments: StoreKind.allCases) func showsOneRunInDetailWithTheNextCommands(_ kind: StoreKind) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let result = try await orderbatch(["status", "r-1", "--db", fixture.db])
        #expect(result.exit.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "run           r-1")
        #expect(lines.contains("job           reprice (jobs/reprice.yaml)"))
        #expect(lines.contains("input sha256  " + String(repeating: "ab", count: 32)))
        #expect(lines.contains("state         stopped (deadline)"))
        #expect(lines.contains("created       2027-01-15T08:00:00Z"))
        #expect(lines.contains("finished      -"))
        #expect(lines.contains("rows          6 total"))
        #expect(lines.contains("  unknown     1"))
        #expect(
            Array(lines.suffix(3)) == [
                "next          orderbatch resume r-1 --db \(fixture.dbWord)",
                "              orderbatch retry r-1 --db \(fixture.dbWord)",
                "              orderbatch report r-1 --db \(fixture.dbWord) --state failed",
            ])
        // A finished run with failures: no resume.
        let finished = try await orderbatch(["status", "r-2", "--db", fixture.db])
        #expect(!finished.stdout.contains("orderbatch resume"))
        #expect(finished.stdout.contains("orderbatch retry r-2 --db \(fixture.dbWord)"))
    }

    /// A `running` run is told apart by its lease: a live process, or one that was killed (resume it).
    @Test(arguments: StoreKind.allCases) func aRunningRunShowsItsProcessOrThatNoLiveProcessHoldsIt(
        _ kind: StoreKind
    ) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let store = try StateDatabase.open(fixture.db, purpose: .read)
        // r-1 is held by this test process (alive); r-2 by a pid that has exited, on this host.
        let child = try ChildProcess(URL(fileURLWithPath: "/bin/true"), [])
        _ = try await child.exit()
        let exited = child.pid
        let host = LeaseOwner.currentHost()
        for (runID, job, pid) in [("r-1", "reprice", getpid()), ("r-2", "rapyd-meta", exited)] {
            try store.setRunState(id: runID, .running, reason: nil)
            let owner = LeaseOwner(pid: pid, host: host, token: "token-\(runID)")
            guard case .acquired = try store.acquireLease(jobName: job, runID: runID, owner: owner, ttlSeconds: 60)
            else {
                Issue.record("could not take the lease on \(runID)")
                return
            }
        }
        try store.close()

        let live = try await orderbatch(["status", "r-1", "--db", fixture.db])
        #expect(live.stdout.contains("state         running (pid \(getpid()) on host \(host))"), "\(live.stdout)")
        #expect(!live.stdout.contains("orderbatch resume"))
        let liveJSON = try jsonObject(try await orderbatch(["status", "r-1", "--db", fixture.db, "--json"]).stdout)
        let process = try #require(liveJSON["process"] as? [String: Any])
        #expect(process["pid"] as? Int == Int(getpid()))
        #expect(process["host"] as? String == host)
        #expect(process["live"] as? Bool == true)

        let killed = try await orderbatch(["status", "r-2", "--db", fixture.db])
        #expect(killed.stdout.contains("running (no live process: killed or crashed; resume it)"), "\(killed.stdout)")
        #expect(killed.stdout.contains("orderbatch resume r-2 --db \(fixture.dbWord)"))
        let killedJSON = try jsonObject(try await orderbatch(["status", "r-2", "--db", fixture.db, "--json"]).stdout)
        #expect((killedJSON["process"] as? [String: Any])?["live"] as? Bool == false)
    }

    @Test(arguments: StoreKind.allCases) func printsTheDocumentedJSONForOneRunAndForTheList(
        _ kind: StoreKind
    ) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let one = try await orderbatch(["status", "r-1", "--db", fixture.db, "--json"])
        #expect(one.exit.status == 0, "\(one.stderr)")
        let object = try jsonObject(one.stdout)
        // PostgreSQL adds the run's workers (none here: no process holds it) and its shared rate limit (none here).
        #expect(
            Set(object.keys)
                == Set(
                    [
                        "run_id", "job", "provider", "state", "reason", "created_at", "started_at", "finished_at",
                        "input", "input_sha256", "process", "counts", "invocations", "pace",
                    ] + (kind == .postgres ? ["workers", "rate_limit_scope"] : [])))
        if kind == .postgres {
            #expect((object["workers"] as? [Any])?.isEmpty == true)
            #expect(object["rate_limit_scope"] is NSNull)
        }
        #expect(object["process"] is NSNull)
        #expect(object["run_id"] as? String == "r-1")
        #expect(object["job"] as? String == "reprice")
        #expect(object["provider"] as? String == "juspay")
        #expect(object["state"] as? String == "stopped")
        #expect(object["reason"] as? String == "deadline")
        #expect(object["created_at"] as? String == "2027-01-15T08:00:00Z")
        #expect(object["started_at"] is String)
        #expect(object["finished_at"] is NSNull)
        #expect(object["input"] as? String == "inputs/reprice.csv")
        let counts = try #require(object["counts"] as? [String: Int])
        #expect(
            counts == [
                "total": 6, "succeeded": 1, "failed": 1, "skipped": 1, "invalid": 1, "pending": 1, "in_flight": 0,
                "unknown": 1,
            ])

        let list = try await orderbatch(["status", "--db", fixture.db, "--json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["run_id"] as? String } == ["r-2", "r-1"])
        #expect(array.first?["reason"] is NSNull)
        #expect(array.first?["finished_at"] is String)
    }

    @Test func findsTheDatabaseThroughTheJobsStateFile() async throws {
        let fixture = try Fixture(.sqlite)
        defer { fixture.remove() }
        let job = fixture.directory + "/job.yaml"
        try Data("name: reprice\nprovider: juspay\nendpoint: emulator\nmerchant_id: m1\nstate: state.sqlite\n".utf8)
            .write(to: URL(fileURLWithPath: job))
        let result = try await orderbatch(["status", "r-1", "--job", job, "--json"])
        #expect(result.exit.status == 0, "\(result.stderr)")
        #expect(try jsonObject(result.stdout)["run_id"] as? String == "r-1")
    }

    @Test(arguments: StoreKind.allCases) func refusesAnUnknownRunAMissingDatabaseOrNoDatabaseWithExit64(
        _ kind: StoreKind
    ) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let unknown = try await orderbatch(["status", "nope", "--db", fixture.db])
        #expect(unknown.exit.status == 64)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("no run nope in \(fixture.db)"), "\(unknown.stderr)")

        let missing = fixture.directory + "/typo.sqlite"
        let noFile = try await orderbatch(["status", "--db", missing])
        #expect(noFile.exit.status == 64)
        #expect(noFile.stderr.contains("\(missing): no such state database"), "\(noFile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing), "a read-only command created the database")

        let neither = try await orderbatch(["status"])
        #expect(neither.exit.status == 64)
        #expect(neither.stderr.contains("pass --db FILE"), "\(neither.stderr)")

        let reportUnknown = try await orderbatch(["report", "nope", "--db", fixture.db])
        #expect(reportUnknown.exit.status == 64)
        let reportMissing = try await orderbatch(["report", "r-1", "--db", missing])
        #expect(reportMissing.exit.status == 64)
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    // MARK: - report

    @Test(arguments: StoreKind.allCases) func reportsTheRowsNeedingAttentionAsCSVThatReadsBackWithTheInputColumns(
        _ kind: StoreKind
    ) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let result = try await orderbatch(["report", "r-1", "--db", fixture.db])
        #expect(result.exit.status == 0, "\(result.stderr)")
        // The formula cell is neutralised in the file; a negative number is not.
        #expect(result.stdout.contains("ORD-2,11.00,'=cmd(),3,failed,400,NOT_FOUND,"), "\(result.stdout)")
        #expect(result.stdout.contains(",abc,-5,5,invalid,"))

        let path = fixture.directory + "/report.csv"
        try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
        var records: [InputRecord] = []
        try CSVReader(path: path).forEachRecord { result in
            if case let .record(record) = result { records.append(record) }
        }
        #expect(records.count == 4)
        #expect(records.first?.columns == ["order_id", "amount", "note"] + ReportOutcomeColumns.all)
        func cell(_ record: InputRecord?, _ name: String) -> String? {
            if case let .text(text)? = record?.value(name) { return text }
            return nil
        }
        #expect(records.map { cell($0, "ob_state") } == ["failed", "unknown", "invalid", "skipped"])
        #expect(records.map { cell($0, "ob_input_line") } == ["3", "4", "5", "6"])
        #expect(cell(records.first, "note").map(CSVFormulaGuard.restore) == "=cmd()")
        #expect(cell(records.first, "ob_error_message") == #"order "ORD-2" not found, check the id"#)
        #expect(cell(records.first, "ob_http_status") == "400")
        #expect(cell(records.first, "ob_attempts") == "1")
        #expect(cell(records[1], "ob_http_status") == "")
        #expect(cell(records[1], "ob_attempts") == "2")
        #expect(cell(records[2], "ob_error_message") == "amount: not a decimal number")
        #expect(cell(records[3], "note") == "'@home")
    }

    @Test(arguments: StoreKind.allCases) func filtersByRepeatedOrCommaSeparatedStatesOrAll(
        _ kind: StoreKind
    ) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        func states(_ arguments: [String]) async throws -> [String] {
            let result = try await orderbatch(["report", "r-1", "--db", fixture.db, "--format", "jsonl"] + arguments)
            #expect(result.exit.status == 0, "\(result.stderr)")
            return try result.stdout.split(separator: "\n").map {
                try jsonObject(String($0))["ob_state"] as? String ?? "?"
            }
        }
        #expect(try await states(["--state", "failed"]) == ["failed"])
        #expect(try await states(["--state", "succeeded,pending"]) == ["succeeded", "pending"])
        #expect(try await states(["--state", "unknown", "--state", "skipped"]) == ["unknown", "skipped"])
        #expect(
            try await states(["--state", "all"]) == ["succeeded", "failed", "unknown", "invalid", "skipped", "pending"])
        #expect(try await states(["--state", "in_flight"]) == [])

        let bogus = try await orderbatch(["report", "r-1", "--db", fixture.db, "--state", "broken"])
        #expect(bogus.exit.status == 64)
        #expect(bogus.stderr.contains("unknown --state broken"), "\(bogus.stderr)")
    }

    @Test(arguments: StoreKind.allCases) func reportsJSONLInputsAsStoredAndUnionsTheirColumnsForCSV(
        _ kind: StoreKind
    ) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let jsonl = try await orderbatch([
            "report", "r-2", "--db", fixture.db, "--state", "failed", "--format", "jsonl",
        ])
        #expect(jsonl.exit.status == 0, "\(jsonl.stderr)")
        #expect(
            jsonl.stdout == """
                {"order_id":"J-1","amount":13.5,"ob_input_line":1,"ob_state":"failed","ob_http_status":503,"ob_error_code":"http_503","ob_error_message":"service unavailable","ob_attempts":3}
                {"order_id":"J-2","metadata":{"k":"v"},"ob_input_line":2,"ob_state":"failed","ob_http_status":400,"ob_error_code":"ERROR_ORDER_NOT_FOUND","ob_error_message":"The order was not found.","ob_attempts":1}

                """)

        let output = fixture.directory + "/r-2.csv"
        let csv = try await orderbatch(["report", "r-2", "--db", fixture.db, "--output", output])
        #expect(csv.exit.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.isEmpty)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(
            text
                == "order_id,amount,metadata,ob_input_line,ob_state,ob_http_status,ob_error_code,ob_error_message,ob_attempts\r\n"
                + "J-1,13.5,,1,failed,503,http_503,service unavailable,3\r\n"
                + "J-2,,\"{\"\"k\"\":\"\"v\"\"}\",2,failed,400,ERROR_ORDER_NOT_FOUND,The order was not found.,1\r\n")
    }

    @Test(arguments: StoreKind.allCases) func writesOnlyTheHeaderWhenNoRowMatches(_ kind: StoreKind) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.remove() }
        let result = try await orderbatch(["report", "r-2", "--db", fixture.db, "--state", "succeeded"])
        #expect(result.exit.status == 0, "\(result.stderr)")
        #expect(result.stdout == ReportOutcomeColumns.all.joined(separator: ",") + "\r\n")
    }
}
