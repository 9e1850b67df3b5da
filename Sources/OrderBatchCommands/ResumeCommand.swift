import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch resume RUN_ID`: continue an interrupted run; the input file is not needed.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Continue an interrupted run from its SQLite state (the input file is not needed).",
            discussion: """
                Rows left in flight by a stopped or killed process are reconciled with the provider before \
                anything is sent again, and re-sent with their recorded idempotency keys. The job recorded \
                with the run is used, never the file (an edited job file is named on standard error); \
                --concurrency, --rate, --max-failures and --deadline change the pace for this invocation only. \
                A finished run is said to be finished (exit 0, nothing started). Exit codes, signals \
                (SIGINT, SIGTERM, SIGHUP: exit 3 with what is left and what to type) and --metrics (written on \
                every exit once the run is found) as for `run`.
                """)

        @OptionGroup var options: StoredRunOptions
        @OptionGroup var log: LogOptions

        func run() async throws {
            let invocation = RunInvocation(
                metricsPath: options.metrics, json: options.json, log: log, runID: options.runID)
            try await invocation.perform { try await perform(invocation) }
        }

        private func perform(_ invocation: RunInvocation) async throws -> ExitStatus {
            let stored = try options.load()
            let outcome = try await RunSession.coordinator(invocation: invocation, json: options.json).resume(stored)
            return RunSession.report(outcome, json: options.json, quiet: log.quiet)
        }
    }
}
