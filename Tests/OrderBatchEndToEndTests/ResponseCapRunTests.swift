import Foundation
import OrderBatchCore
import OrderBatchEmulator
import Testing

/// A real `orderbatch run` against `orderbatch emulator --pad-mb 24`: every answer is 24 MiB, far
/// over the response cap, so no attempt's outcome can be read.
@Suite struct ResponseCapRunTests {
    @Test func twentyFourMiBAnswersEndEveryRowUnknownWithLittleMemory() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let emulator = try await ExternalEmulator(["--pad-mb", "24"])
        let rows = 48
        let input = try workspace.juspayCSV("in.csv", prefix: "CAP", count: rows)
        // No preflight (a preflight over the cap fails the row before it is sent); a breaker that
        // lets every row reach its verdict; reads retried twice, quickly.
        let job = try workspace.job(
            "cap", endpoint: emulator.url, input: input,
            extra: """
                concurrency: 16
                preflight: false
                timeouts:
                  request: 10s
                  item: 120s
                retry:
                  max_attempts: 2
                  backoff_base: 10ms
                  backoff_max: 50ms
                  budget: 300%
                breaker:
                  consecutive_failures: 100000

                """)
        let arguments = ["run", job, "--run-id", "cap1", "--json"]
        let rssFile = workspace.path("rss.txt")
        let binary = try BinaryLocator.orderbatch()
        let (executable, fullArguments) =
            PeakMemory.canMeasureChildren
            ? PeakMemory.measured(binary, arguments, output: rssFile) : (binary, arguments)
        let child = try ChildProcess(
            executable, fullArguments, environment: OrderBatchCLI.demoEnvironment)
        // Without /usr/bin/time, the child's own high-water mark is read until it exits.
        var polledPeak = 0
        if !PeakMemory.canMeasureChildren {
            while let peak = PeakMemory.highWaterMark(pid: child.pid) {
                polledPeak = max(polledPeak, peak)
                try await Task.sleep(nanoseconds: 5_000_000)
            }
        }
        let exit = try await child.exit(timeout: 120)

        // Every row's fate is unknown (so `resume` reconciles it before any resend): exit 3.
        #expect(exit == ChildProcess.Exit(status: 3, bySignal: false), "\(child.stderr)")
        let summary = try JSON.object(child.stdout)
        let counts = try #require(summary["counts"] as? [String: Int])
        #expect(counts["unknown"] == rows && counts["succeeded"] == 0 && counts["failed"] == 0, "\(counts)")
        let items = try workspace.items(run: "cap1")
        #expect(items.count == rows)
        for item in items {
            #expect(item.state == .unknown)
            #expect(item.errorCode == "response_too_large", "\(item.errorCode ?? "nil"): \(item.errorMessage ?? "")")
            #expect(item.errorMessage?.contains("1 MiB (1048576 bytes) response cap") == true)
        }

        // Each update reached the emulator once and was applied once; the reads found nothing readable.
        let stats = try await emulator.stats()
        #expect(stats.appliedTotal == rows)
        #expect(stats.appliedByOrder.values.allSatisfy { $0 == 1 })
        #expect(stats.requestsByRoute["POST /orders/{order_id}"] == rows)
        #expect((stats.requestsByRoute["GET /orders/{order_id}"] ?? 0) >= rows)
        // The client stopped reading at the headers: nowhere near 24 MiB per answer went out.
        #expect(stats.paddingBytesSent < stats.paddedAnswers * (4 << 20), "\(stats.paddingBytesSent) bytes")

        // Memory: 16 transfers of 24 MiB answers used to take ~470 MB; now far under 100 MB, in
        // the client and in the emulator that streamed the answers.
        let clientPeak = PeakMemory.canMeasureChildren ? PeakMemory.measuredBytes(rssFile) : polledPeak
        let peak = try #require(clientPeak, "no peak RSS measured")
        #expect(peak > 0 && peak < 100 << 20, "orderbatch run peak RSS \(peak >> 20) MiB")
        let emulatorPeak = try #require(PeakMemory.highWaterMark(pid: emulator.process.pid))
        #expect(emulatorPeak < 100 << 20, "emulator peak RSS \(emulatorPeak >> 20) MiB")
        try await emulator.stop()
    }
}
