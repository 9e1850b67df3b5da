import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch retry RUN_ID`: send again the rows that failed, under new idempotency keys.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send again the rows of a run that failed (a new attempt generation with new idempotency keys).",
            discussion: """
                Exit codes, signals (SIGINT, SIGTERM, SIGHUP: exit 3 with what is left and what to type) and \
                --metrics (written on every exit once the run is found) as for `run`.
                """)

        @OptionGroup var options: StoredRunOptions
        @OptionGroup var log: LogOptions
        @Flag(help: "Also retry rows that were skipped (e.g. by preflight).") var includeSkipped = false

        func run() async throws {
            let invocation = RunInvocation(
                metricsPath: options.metrics, json: options.json, log: log, runID: options.runID)
            try await invocation.perform { try await perform(invocation) }
        }

        private func perform(_ invocation: RunInvocation) async throws -> ExitStatus {
            let stored = try options.load()
            let coordinator = RunSession.coordinator(invocation: invocation, json: options.json)
            let outcome = try await coordinator.retry(stored, includeSkipped: includeSkipped)
            return RunSession.report(outcome, json: options.json, quiet: log.quiet)
        }
    }
}
