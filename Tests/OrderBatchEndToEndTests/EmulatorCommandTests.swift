import Foundation
import Testing

/// `orderbatch emulator`, run as a real process.
@Suite struct EmulatorCommandTests {
    /// The listening line, with the URL captured.
    private static let listening =
        #"^emulator listening on (http://(127\.0\.0\.1|\[::1\]):[0-9]+) \(juspay: /orders/\{id\}, rapyd: /v1/orders/\{id\}, stats: /__emulator/stats\)$"#

    /// Starts `orderbatch emulator ARGS`, waits for its listening line, and returns the process and base URL.
    private func startEmulator(
        _ arguments: [String] = [], environment: [String: String?] = [:]
    ) async throws -> (ChildProcess, String) {
        let child = try ChildProcess(
            try BinaryLocator.orderbatch(), ["emulator", "--port", "0"] + arguments,
            environment: environment)
        let line = try await child.firstLine()
        let match = try #require(line.firstMatch(of: try Regex(Self.listening)), "unexpected line: \(line)")
        let url = try #require(match.output[1].substring.map(String.init))
        return (child, url)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func servesUntilSignalledThenExitsZero(signal: Int32) async throws {
        let (emulator, url) = try await startEmulator()
        let update = try await HTTPProbe.send(
            "POST", url + "/orders/E2E-1", headers: HTTPProbe.juspayHeaders(apiKey: "jp_demo_key"),
            body: "amount=90.00&udf1=e2e")
        #expect(update.status == 200, "\(update.body)")
        let stats = try await HTTPProbe.send("GET", url + "/__emulator/stats")
        #expect(stats.status == 200)
        #expect(stats.json["appliedTotal"] as? Int == 1)
        #expect((stats.json["appliedByOrder"] as? [String: Int])?["E2E-1"] == 1)

        emulator.send(signal)
        let exit = try await emulator.exit()
        #expect(exit == ChildProcess.Exit(status: 0, bySignal: false), "stderr: \(emulator.stderr)")
        #expect(emulator.stderr.contains(signal == SIGINT ? "SIGINT received" : "SIGTERM received"))
        #expect(emulator.stderr.contains("stopped after"))
        // Nothing listens any more.
        #expect(try await HTTPProbe.send("GET", url + "/__emulator/stats").status == 0)
    }

    @Test func acceptsTheCredentialsOfTheEnvironmentAndNeverPrintsThem() async throws {
        let key = "jp_e2e_secret_value_123"
        let (emulator, url) = try await startEmulator(
            ["--unknown-orders", "not-found"], environment: ["JUSPAY_API_KEY": key, "RAPYD_SECRET_KEY": "rsk_e2e_9876"])
        let demo = try await HTTPProbe.send(
            "POST", url + "/orders/E2E-2", headers: HTTPProbe.juspayHeaders(apiKey: "jp_demo_key"), body: "amount=1")
        #expect(demo.status == 401)
        let unknown = try await HTTPProbe.send(
            "POST", url + "/orders/E2E-2", headers: HTTPProbe.juspayHeaders(apiKey: key), body: "amount=1")
        #expect(unknown.status == 400)
        #expect(unknown.json["status"] as? String == "NOT_FOUND", "\(unknown.body)")
        emulator.send(SIGTERM)
        #expect(try await emulator.exit().status == 0)
        let output = emulator.stdout + emulator.stderr
        #expect(!output.contains(key) && !output.contains("rsk_e2e_9876"))
        #expect(emulator.stderr.contains("JUSPAY_API_KEY from environment"))
    }

    @Test func loadsOrdersFromAFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "e2e-orders-\(UUID().uuidString).jsonl"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"provider":"juspay","order_id":"SEEDED-1","status":"CHARGED","amount":"12.50"}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let (emulator, url) = try await startEmulator(["--orders", path, "--unknown-orders", "not-found"])
        let status = try await HTTPProbe.send(
            "GET", url + "/orders/SEEDED-1", headers: HTTPProbe.juspayHeaders(apiKey: "jp_demo_key"))
        #expect(status.status == 200, "\(status.body)")
        #expect(status.json["status"] as? String == "CHARGED")
        emulator.send(SIGTERM)
        #expect(try await emulator.exit().status == 0)
    }

    @Test func faultFlagsRevokeGarbleAndPad() async throws {
        let (emulator, url) = try await startEmulator(["--revoke-after", "1", "--garble", "reads", "--pad-mb", "1"])
        let headers = HTTPProbe.juspayHeaders(apiKey: "jp_demo_key").flatMap { ["-H", $0] }
        // Only the status and size of each 1 MiB answer are read back (curl -w), not the body.
        func statusAndSize(_ arguments: [String]) async throws -> String {
            try await ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/curl"),
                ["-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"] + headers + arguments
            ).stdout
        }
        #expect(try await statusAndSize(["--data-binary", "amount=2", url + "/orders/F-1"]) == "200 \(1 << 20)")
        #expect(try await statusAndSize([url + "/orders/F-1"]) == "401 \(1 << 20)")
        _ = try await HTTPProbe.send("POST", url + "/__emulator/credentials/restore")
        #expect(try await statusAndSize([url + "/orders/F-1"]) == "200 \(1 << 20)")
        let stats = try await HTTPProbe.send("GET", url + "/__emulator/stats")
        #expect(stats.json["revokedRefusals"] as? Int == 1)
        #expect(stats.json["garbledReads"] as? Int == 1)
        #expect(stats.json["paddedAnswers"] as? Int == 3)
        emulator.send(SIGTERM)
        #expect(try await emulator.exit().status == 0)
        #expect(emulator.stderr.contains("credentials revoked after 1 updates; garble reads; answers padded to 1 MiB"))
    }

    @Test(arguments: [
        (["--revoke-after=-1"], "--revoke-after must be a number of updates"),
        (["--garble", "all"], "'all' is invalid for '--garble"),
        (["--pad-mb", "2048"], "--pad-mb must be between 0 and 1024"),
        (["--port", "70000"], "--port must be between 0 and 65535"),
        (["--fail-rate", "1.5"], "--fail-rate must be between 0 and 1"),
        (["--fail-with", "500"], "'500' is invalid for '--fail-with"),
        (["--host", "0.0.0.0"], "is not a loopback address"),
        (["--idempotency", "maybe"], "'maybe' is invalid for '--idempotency"),
        (["--orders", "/nonexistent/orders.jsonl"], "no such readable file"),
    ])
    func badOptionsExit64(arguments: [String], message: String) async throws {
        let result = try await ChildProcess.run(try BinaryLocator.orderbatch(), ["emulator"] + arguments)
        #expect(result.exit == ChildProcess.Exit(status: 64, bySignal: false))
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aBusyPortExits64WithAHint() async throws {
        let (first, url) = try await startEmulator()
        let port = try #require(url.split(separator: ":").last.map(String.init))
        let second = try await ChildProcess.run(try BinaryLocator.orderbatch(), ["emulator", "--port", port])
        #expect(second.exit.status == 64)
        // Said in words, with the flag to change: never NIO's `bind(descriptor:ptr:bytes:)` text.
        #expect(
            second.stderr
                == "orderbatch: emulator: port \(port) on 127.0.0.1 is already in use by another process; pick "
                + "another --port, or --port 0 for a free one (the listening line names it)\n",
            "stderr: \(second.stderr)")
        first.send(SIGTERM)
        #expect(try await first.exit().status == 0)
    }

    @Test func ipv6LoopbackIsAcceptedAndOtherAddressesNeedAllowRemote() async throws {
        let (emulator, url) = try await startEmulator(["--host", "::1"])
        #expect(url.hasPrefix("http://[::1]:"))
        #expect(try await HTTPProbe.send("GET", url + "/__emulator/stats").status == 200)
        emulator.send(SIGTERM)
        #expect(try await emulator.exit().status == 0)
        let lan = try await ChildProcess.run(try BinaryLocator.orderbatch(), ["emulator", "--host", "192.168.1.10"])
        #expect(lan.exit.status == 64)
    }
}
