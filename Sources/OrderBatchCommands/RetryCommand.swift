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
        @Flag(help: "Also retry rows that were skipped (e.g. by preflight).") var includeSkipped = false

        func run() async throws {
            let invocation = RunInvocation(metricsPath: options.metrics, quiet: options.json)
            try await invocation.perform { try await perform(invocation) }
        }

        private func perform(_ invocation: RunInvocation) async throws -> ExitStatus {
            let (store, run, session) = try options.load()
            invocation.metrics.concern(job: session.job)
            invocation.metrics.concern(runID: run.id, store: store)
            // Only a run whose input is wholly recorded has rows to send again; an interrupted ingest holds
            // part of them, which `resume` records again first.
            try StoredRunOptions.refuseIfNeverStarted(run, doing: "retry", db: session.job.state)
            if run.state == .ingesting {
                CommandSupport.printError(
                    "orderbatch: run \(run.id) is still recording its input (or was interrupted doing so); nothing was "
                        + "sent, so nothing failed. Continue it: orderbatch resume \(ShellWord.quote(run.id)) "
                        + "--db \(ShellWord.quote(session.job.state))")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            let db = session.job.state
            invocation.signals.enter(.recording(runID: run.id, resume: RunInvocation.resumeCommand(runID: run.id, db: db)))
            let owner = try RunSession.acquireLease(store: store, job: session.job, runID: run.id)
            _ = try store.recoverInterrupted(runID: run.id)
            let n = try store.startRetryGeneration(runID: run.id, states: includeSkipped ? [.failed, .skipped] : [.failed])
            if !options.json { CommandSupport.printError("orderbatch: run \(run.id): \(n) rows to send again") }
            return try await session.execute(store: store, runID: run.id, owner: owner, invocation: invocation)
        }
    }
}
