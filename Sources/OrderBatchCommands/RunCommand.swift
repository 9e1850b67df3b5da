import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch run JOB`: validate and ingest the input into SQLite, then execute it.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the input, record every row in SQLite, then send the updates.",
            discussion: """
                Exit status: 0 every row succeeded; 1 finished with failed or skipped rows (--dry-run: standard \
                output could not be written, e.g. its reader went away); 2 invalid input, nothing sent; 3 stopped \
                early (deadline, breaker, --max-failures, refused credentials, an endpoint that does not resolve or \
                answer, a state file that cannot be written, SIGINT/SIGTERM/SIGHUP in any phase), or this input \
                already has a run with rows left: resume it, or refused because an older run of the job is \
                unfinished (resume it, cancel it, or pass --supersede); 64 usage, job-file or missing-credential \
                error; 74 the state database was deleted, replaced or is damaged; 75 another process is executing \
                this job (or took this run over while this process was frozen).

                A signal while the input is validated exits 3 at once (nothing recorded or sent: run the same \
                command again); while it is recorded, exits 3 leaving the run for `orderbatch resume RUN`; while \
                sending, stops dispatch, waits for requests in flight and exits 3 (a second signal exits at once). \
                A line on standard error says what is left and what to type. Output never stops a run: once \
                standard output or error cannot be written (closed pipe, full disk), it is no longer written to.

                --metrics FILE is written on every exit once the job file is parsed, with the real exit code \
                (not by --dry-run, which runs nothing).
                """)

        @Argument(help: "The job file (YAML).") var job: String
        @Option(help: "Use this input file instead of the job's `input`.") var input: String?
        @Option(help: "SQLite state file (default: the job's `state`).") var db: String?
        @Option(help: "Run id (default: generated, e.g. 20261123-020000-4f2a).") var runID: String?
        @Flag(help: "Record invalid rows as `invalid` and send the valid ones.") var skipInvalid = false
        @Flag(help: "Validate, then print the requests that would be sent (credentials masked); send nothing.") var dryRun = false
        @Flag(help: "Run even if this job already completed a run on an input with the same SHA-256.") var allowRerun = false
        @Flag(help: "Close the job's unfinished older runs as canceled (superseded by this one) instead of refusing.")
        var supersede = false
        @Option(help: "Stop when permanent failures pass N rows or N% of rows (exit 3).") var maxFailures: String?
        @Option(help: "Requests in flight at most (overrides the job).") var concurrency: Int?
        @Option(help: "Rate limit: requests per second, or windows such as 200/1m,1000/5m, or none.") var rate: String?
        @Option(help: "Stop starting work after this long (e.g. 50m); exit 3, resumable.") var deadline: String?
        @Option(help: "Write Prometheus text-format metrics to this file on exit, whatever the exit code.") var metrics: String?
        @Flag(help: "Print the summary as JSON.") var json = false

        func validate() throws {
            if let c = concurrency, !(1...256).contains(c) { throw ValidationError("--concurrency must be from 1 to 256") }
            if let id = runID, id.isEmpty || id.count > 64 || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                throw ValidationError("--run-id must be 1–64 letters, digits, '-' or '_'")
            }
        }

        func run() async throws {
            let invocation = RunInvocation(metricsPath: metrics, quiet: json)
            try await invocation.perform { try await perform(invocation) }
        }

        /// The run, from the job file to the exit status; see ``RunInvocation/perform(_:)`` for the metrics file
        /// and ``SignalTrap`` for what a signal does in each phase.
        private func perform(_ invocation: RunInvocation) async throws -> ExitStatus {
            let job = try CommandSupport.loadJob(self.job)
            invocation.metrics.concern(job: job)
            let inputPath = try CommandSupport.inputPath(job: job, override: input)
            let format = try CommandSupport.inputFormat(job: job, path: inputPath)
            let session = RunSession(
                job: job,
                overrides: .init(
                    concurrency: concurrency, rate: rate, deadline: deadline, maxFailures: maxFailures,
                    skipInvalid: skipInvalid, input: inputPath),
                json: json)
            let effective = try session.effectiveJob()

            // 1. Validate the whole file before anything is stored or sent (a signal exits at once: nothing is).
            var recording = InputRecording(job: job, inputPath: inputPath, format: format, skipInvalid: skipInvalid)
            let report = try recording.validate()

            if dryRun {
                invocation.metrics.discard()
                try printDryRun(job: effective, recording: recording, report: report)
                try CommandSupport.requireOutputWritten()
                return .success
            }

            // A missing credential is a usage error (64) before anything is recorded.
            _ = try RunSession.requireCredentials(for: effective)

            // 2. Refuse a second run of the same input unless asked.
            let dbPath = db ?? job.state
            let store = try openStore(dbPath)
            let sha: String
            do {
                sha = try SHA256Hasher.hexDigest(ofFileAt: inputPath)
            } catch {
                CommandSupport.printError("orderbatch: \(inputPath): \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            let runID = self.runID ?? Self.makeRunID()
            if try store.run(id: runID) != nil {
                CommandSupport.printError("orderbatch: \(RunStoreError.duplicateRun(runID)); nothing was sent")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            if !allowRerun, let previous = try store.previousRun(jobName: job.name, inputSHA256: sha) {
                if previous.state == .ingesting {
                    try supersede(previous, by: runID, job: job, store: store)
                } else {
                    invocation.metrics.concern(runID: previous.id, store: store)
                    return try refuseRerun(of: previous, job: job, store: store, dbPath: dbPath, sha: sha)
                }
            }

            // From here a signal stops between two rows and leaves a run `resume` can finish.
            invocation.signals.enter(.recording(runID: runID, resume: RunInvocation.resumeCommand(runID: runID, db: dbPath)))
            let owner = try RunSession.acquireLease(store: store, job: job, runID: runID)
            let releaseLease: () -> Void = { _ = try? store.releaseLease(jobName: job.name, runID: runID, owner: owner) }
            if let name = invocation.signals.received {
                releaseLease()
                CommandSupport.printError("orderbatch: \(name): stopped before anything was recorded or sent; run the same command again")
                throw ExitCode(ExitStatus.stoppedEarly.rawValue)
            }
            try UnfinishedRunGuard(
                job: job, store: store, dbPath: dbPath, inputPath: inputPath, newRunID: runID, supersede: supersede,
                json: json
            ).enforce(owner: owner)

            // 3. Ingest: every row into SQLite, so resume never needs the file.
            let options = try JSONEncoder().encode(session.overrides)
            recording.stop = invocation.signals.stop
            do {
                try store.createRun(NewRun(
                    id: runID, jobName: job.name, jobPath: job.path, jobText: job.text, provider: job.provider.rawValue,
                    inputPath: inputPath, inputSHA256: sha, optionsJSON: String(decoding: options, as: UTF8.self),
                    createdAt: Date()))
                invocation.metrics.concern(runID: runID, store: store)
                try recording.record(store: store, runID: runID, report: report)
            } catch is StoppableRecordSource.Stopped {
                // Reported just below.
            } catch {
                releaseLease()
                CommandSupport.printError("orderbatch: could not record the run in \(dbPath): \(error); nothing was sent")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            try invocation.stopIfSignalled(runID: runID, store: store, db: dbPath, releasing: releaseLease)
            if !json { CommandSupport.printError("orderbatch: run \(runID): \(report.rows) rows recorded in \(dbPath)") }

            // 4. Execute.
            var s = session
            s.job.state = dbPath
            return try await s.execute(store: store, runID: runID, owner: owner, invocation: invocation)
        }

        /// A previous run of this job already took this input: nothing is sent again.
        ///
        /// A finished run: say so and exit 0 (a cron line that fires twice has nothing left to do). A run that can
        /// still go on: exit 75 if a process is executing it, else point at `resume` and exit 3 (stopped early,
        /// resumable): starting afresh would send again the rows it already applied.
        private func refuseRerun(
            of previous: RunRecord, job: Job, store: some RunStore, dbPath: String, sha: String
        ) throws -> ExitStatus {
            let input = "job \(job.name) already ran this input (SHA-256 \(sha.prefix(12))…) as run \(previous.id)"
            guard previous.state != .finished else {
                CommandSupport.printError(
                    "orderbatch: \(input), which finished; nothing was sent. Pass --allow-rerun to send it again.")
                return .success
            }
            let owner = try RunSession.acquireLease(store: store, job: job, runID: previous.id)
            try store.releaseLease(jobName: job.name, runID: previous.id, owner: owner)
            CommandSupport.printError(
                "orderbatch: \(input), which is \(previous.state.rawValue) with rows left; nothing was sent. "
                    + "Continue it: orderbatch resume \(ShellWord.quote(previous.id)) --db \(ShellWord.quote(dbPath)) "
                    + "(--allow-rerun would start a new run and send again the rows it already applied)")
            throw ExitCode(ExitStatus.stoppedEarly.rawValue)
        }

        /// A run of this input that was interrupted while recording it (no live process holds it: else exit 75)
        /// sent nothing: it is closed as superseded, and this invocation starts a new run.
        private func supersede(_ previous: RunRecord, by runID: String, job: Job, store: some RunStore) throws {
            let owner = try RunSession.acquireLease(store: store, job: job, runID: previous.id)
            try store.setRunState(
                id: previous.id, .failedIngest, reason: "interrupted while recording its input; superseded by run \(runID)")
            try store.releaseLease(jobName: job.name, runID: previous.id, owner: owner)
            if !json {
                CommandSupport.printError(
                    "orderbatch: run \(previous.id) was interrupted while recording this input and sent nothing; "
                        + "starting run \(runID)")
            }
        }

        private func printDryRun(job: Job, recording: InputRecording, report: ValidationReport) throws {
            let inputPath = recording.inputPath
            let base = job.endpoint.baseURL(for: job.provider) ?? "http://127.0.0.1:<emulator-port>"
            let client = RunSession.makeDryRunClient(job: job, baseURL: base)
            let dup = Set(report.duplicates.map(\.seq))
            var shown = 0
            let source = recording.format.makeSource(path: inputPath)
            do {
                _ = try recording.validation.run(source: source, sourcePath: inputPath, findDuplicates: false) { v in
                    guard let row = v.row, !dup.contains(v.seq) else { return }
                    let payload = row.update.storedJSON
                    let item = OutboundItem(
                        seq: Int64(v.seq), orderID: row.orderID, payload: payload, idempotencyKey: "ob-<run>-\(v.seq)-g1")
                    // Standard output lost (its reader went away): the rest would go nowhere.
                    guard CommandSupport.outputIsOpen else { throw StoppableRecordSource.Stopped() }
                    CommandSupport.output("# line \(v.line)\n" + client.describe(item))
                    shown += 1
                }
            } catch is StoppableRecordSource.Stopped {
                return
            }
            CommandSupport.output("# dry run: \(shown) requests would be sent to \(base); nothing was sent")
        }

        private func openStore(_ path: String) throws -> SQLiteRunStore {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            do {
                return try SQLiteRunStore(path: path)
            } catch {
                CommandSupport.printError("orderbatch: cannot open the state database \(path): \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }

        static func makeRunID() -> String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyyMMdd-HHmmss"
            let suffix = (try? SecureRandom.bytes(2)).map { $0.map { String(format: "%02x", $0) }.joined() } ?? "0000"
            return f.string(from: Date()) + "-" + suffix
        }
    }
}
