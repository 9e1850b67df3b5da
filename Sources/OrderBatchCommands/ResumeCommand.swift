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
                anything is sent again, and re-sent with their recorded idempotency keys. Exit codes as for `run`.
                """)

        @OptionGroup var options: StoredRunOptions

        func run() async throws {
            let (store, run, session) = try options.load()
            if run.state == .failedIngest {
                CommandSupport.printError("orderbatch: run \(run.id) never started (its input was invalid); nothing to resume")
                throw ExitCode(ExitStatus.invalidInput.rawValue)
            }
            let owner = try RunSession.acquireLease(store: store, job: session.job, runID: run.id)
            let recovered = try store.recoverInterrupted(runID: run.id)
            if recovered > 0 && !options.json {
                CommandSupport.printError("orderbatch: \(recovered) rows were in flight when the run stopped; they will be reconciled first")
            }
            let status = try await session.execute(store: store, runID: run.id, owner: owner)
            try? store.close()
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }
}
