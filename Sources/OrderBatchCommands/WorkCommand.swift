import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch work RUN_ID --db postgresql://…`: join a run as one more worker, from any host.
    struct Work: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join a run recorded in PostgreSQL as one more worker, from any host.",
            discussion: """
                Claims rows of the run beside the workers already on it (`run` started the first), in batches \
                that no other worker can take, and sends them with the run's recorded options. Each worker \
                holds a lease with a heartbeat in the database's time; a worker that dies or freezes loses its \
                rows once its lease expires, and a live worker reconciles them before anything is sent again. \
                A worker whose lease was taken over sends and records nothing more (exit 75). The run is \
                finished by whichever worker settles its last row. Needs a PostgreSQL state database (--db \
                postgresql://USER@HOST:PORT/DB, or the job's `state:`); the password comes from PGPASSWORD, \
                PGPASSFILE or ~/.pgpass.

                Exit status: 0 when no row of the run is left and every row succeeded (also for a run already \
                finished); 1 when none is left and some failed or were skipped; 2 for a canceled run or one that \
                never started; 3 when this worker stopped early (signal, deadline, breaker, a database that went \
                away) or rows are left of unknown fate (`resume` reconciles them), or the run is still to be \
                recorded again (`resume` first); 64 usage error, a SQLite database, unknown run; 75 another run \
                of the job is being executed, or this worker was fenced out. Signals and --metrics as for `run`.
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
            let outcome = try await RunSession.coordinator(invocation: invocation, json: options.json).work(stored)
            return RunSession.report(outcome, json: options.json, quiet: log.quiet)
        }
    }
}
