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
                anything is sent again, and re-sent with their recorded idempotency keys. Exit codes, signals \
                (SIGINT, SIGTERM, SIGHUP: exit 3 with what is left and what to type) and --metrics (written on \
                every exit once the run is found) as for `run`.
                """)

        @OptionGroup var options: StoredRunOptions

        func run() async throws {
            let invocation = RunInvocation(metricsPath: options.metrics, quiet: options.json)
            try await invocation.perform { try await perform(invocation) }
        }

        private func perform(_ invocation: RunInvocation) async throws -> ExitStatus {
            let (store, run, session) = try options.load()
            invocation.metrics.concern(job: session.job)
            invocation.metrics.concern(runID: run.id, store: store)
            try StoredRunOptions.refuseIfNeverStarted(run, doing: "resume", db: session.job.state)
            let db = session.job.state
            invocation.signals.enter(.recording(runID: run.id, resume: RunInvocation.resumeCommand(runID: run.id, db: db)))
            let owner = try RunSession.acquireLease(store: store, job: session.job, runID: run.id)
            if run.state == .ingesting {
                do {
                    try recordAgain(run, store: store, session: session, owner: owner, stop: invocation.signals.stop)
                } catch is StoppableRecordSource.Stopped {
                    // Reported just below.
                }
            }
            try invocation.stopIfSignalled(runID: run.id, store: store, db: db) {
                _ = try? store.releaseLease(jobName: session.job.name, runID: run.id, owner: owner)
            }
            let recovered = try store.recoverInterrupted(runID: run.id)
            if recovered > 0 && !options.json {
                CommandSupport.printError("orderbatch: \(recovered) rows were in flight when the run stopped; they will be reconciled first")
            }
            return try await session.execute(store: store, runID: run.id, owner: owner, invocation: invocation)
        }

        /// A run still `ingesting` whose process is gone was interrupted while recording its input, before
        /// anything was sent. Its rows are recorded again from the start, from the recorded input file if it
        /// still has the recorded SHA-256; otherwise it cannot go on (exit 64, with what to do). When a later
        /// run of the job took the same input, it is closed as `failed_ingest` (exit 2, as for such a run).
        private func recordAgain(
            _ run: RunRecord, store: SQLiteRunStore, session: RunSession, owner: LeaseOwner, stop: StopFlag
        ) throws {
            func refuse(_ message: String, _ status: ExitStatus = .usage) throws -> Never {
                try? store.releaseLease(jobName: session.job.name, runID: run.id, owner: owner)
                CommandSupport.printError("orderbatch: run \(run.id) was interrupted while recording its input; nothing was sent. " + message)
                throw ExitCode(status.rawValue)
            }
            if let later = try store.previousRun(jobName: run.jobName, inputSHA256: run.inputSHA256), later.id != run.id {
                try store.setRunState(
                    id: run.id, .failedIngest, reason: "interrupted while recording its input; superseded by run \(later.id)")
                try refuse(
                    "Run \(later.id) took the same input since: look at that one (orderbatch status \(ShellWord.quote(later.id)))",
                    .invalidInput)
            }
            let startAgain = "Start a new run: orderbatch run \(ShellWord.quote(run.jobPath)) --input FILE"
            let sha = try? SHA256Hasher.hexDigest(ofFileAt: run.inputPath)
            guard let sha else { try refuse("Its input \(run.inputPath) cannot be read any more. " + startAgain) }
            guard sha == run.inputSHA256 else {
                try refuse("Its input \(run.inputPath) has changed since (SHA-256 \(sha.prefix(12))…, not \(run.inputSHA256.prefix(12))…). " + startAgain)
            }
            let job = session.job
            guard let format = job.inputFormat(for: run.inputPath) else { try refuse(startAgain) }
            let recording = InputRecording(
                job: job, inputPath: run.inputPath, format: format, skipInvalid: session.overrides.skipInvalid ?? false,
                stop: stop)
            let report = try recording.validate()
            let discarded = try store.discardItems(runID: run.id)
            try recording.record(store: store, runID: run.id, report: report)
            if !options.json {
                CommandSupport.printError(
                    "orderbatch: run \(run.id) was interrupted while recording its input (\(discarded) rows recorded, "
                        + "nothing sent); recorded all \(report.rows) rows again from \(run.inputPath)")
            }
        }
    }
}
