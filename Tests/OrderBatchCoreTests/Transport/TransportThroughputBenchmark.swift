import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// Requests per second of ``CurlTransport`` against the emulator on loopback; run by
/// `bench/transport-throughput.sh` (release build), skipped in the normal test run.
///
/// Environment: `ORDERBATCH_TRANSPORT_BENCH=1` enables it; `BENCH_REQUESTS` (default 20000) and
/// `BENCH_CONCURRENCY` (comma-separated, default `16,64`) shape it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ORDERBATCH_TRANSPORT_BENCH"] == "1"))
struct TransportThroughputBenchmark {
    @Test func echoThroughput() async throws {
        let environment = ProcessInfo.processInfo.environment
        let total = Int(environment["BENCH_REQUESTS"] ?? "") ?? 20_000
        let concurrencies = (environment["BENCH_CONCURRENCY"] ?? "16,64").split(separator: ",").compactMap { Int($0) }
        for concurrency in concurrencies {
            try await TransportFixture.run(maxConcurrentTransfers: concurrency) { server, transport in
                let url = server.baseURL + "/__emulator/echo/orders/bench"
                let body = Array("status=CHARGED&amount=10.00".utf8)
                _ = try await Self.drive(transport, url: url, body: body, total: 2 * concurrency, lanes: concurrency)
                let started = ContinuousClock.now
                let ok = try await Self.drive(transport, url: url, body: body, total: total, lanes: concurrency)
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                #expect(ok == total)
                print(
                    "transport-throughput: concurrency=\(concurrency) requests=\(total) "
                        + String(format: "seconds=%.2f rps=%.0f", seconds, Double(total) / seconds))
            }
        }
    }

    /// Sends `total` POSTs over `lanes` sequential loops; returns how many got a 200.
    private static func drive(
        _ transport: CurlTransport, url: String, body: [UInt8], total: Int, lanes: Int
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<lanes {
                let count = total / lanes + (lane < total % lanes ? 1 : 0)
                group.addTask {
                    var ok = 0
                    for _ in 0..<count {
                        let response = try await transport.send(
                            HTTPRequest(
                                method: .post, url: url,
                                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body,
                                timeoutMilliseconds: 10_000))
                        if response.status == 200 { ok += 1 }
                    }
                    return ok
                }
            }
            return try await group.reduce(0, +)
        }
    }
}
