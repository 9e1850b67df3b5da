import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch retry RUN_ID`: send again the rows that failed, under new idempotency keys.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send again the rows of a run that failed (a new attempt generation with new idempotency keys).",
            discussion: "Exit codes as for `run`.")

        @OptionGroup var options: StoredRunOptions
        @Flag(help: "Also retry rows that were skipped (e.g. by preflight).") var includeSkipped = false

        func run() async throws {
            let (store, run, session) = try options.load()
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
            let owner = try RunSession.acquireLease(store: store, job: session.job, runID: run.id)
            _ = try store.recoverInterrupted(runID: run.id)
            let n = try store.startRetryGeneration(runID: run.id, states: includeSkipped ? [.failed, .skipped] : [.failed])
            if !options.json { CommandSupport.printError("orderbatch: run \(run.id): \(n) rows to send again") }
            let status = try await session.execute(store: store, runID: run.id, owner: owner)
            try? store.close()
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }
}
