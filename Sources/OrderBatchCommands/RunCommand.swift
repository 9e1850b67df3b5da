import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch run JOB`: validate and ingest the input into SQLite, then execute it.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the input, record every row in SQLite, then send the updates.",
            discussion: """
                Exit status: 0 every row succeeded; 1 finished with failed or skipped rows; 2 invalid input, nothing \
                sent; 3 stopped early (deadline, signal, breaker, --max-failures), resume it, or refused because an \
                older run of the job is unfinished (resume it, cancel it, or pass --supersede); 64 usage, job-file or \
                missing-credential error; 75 another process is executing this job.
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
        @Option(help: "Write Prometheus text-format metrics to this file at the end.") var metrics: String?
        @Flag(help: "Print the summary as JSON.") var json = false

        func validate() throws {
            if let c = concurrency, !(1...256).contains(c) { throw ValidationError("--concurrency must be from 1 to 256") }
            if let id = runID, id.isEmpty || id.count > 64 || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                throw ValidationError("--run-id must be 1–64 letters, digits, '-' or '_'")
            }
        }

        func run() async throws {
            let job = try CommandSupport.loadJob(self.job)
            let inputPath = try CommandSupport.inputPath(job: job, override: input)
            let format = try CommandSupport.inputFormat(job: job, path: inputPath)
            let session = RunSession(
                job: job,
                overrides: .init(
                    concurrency: concurrency, rate: rate, deadline: deadline, maxFailures: maxFailures,
                    skipInvalid: skipInvalid, input: inputPath),
                json: json, metricsPath: metrics)
            let effective = try session.effectiveJob()

            // 1. Validate the whole file before anything is stored or sent.
            let recording = InputRecording(job: job, inputPath: inputPath, format: format, skipInvalid: skipInvalid)
            let report = try recording.validate()

            if dryRun {
                try printDryRun(job: effective, recording: recording, report: report)
                return
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
                    try refuseRerun(of: previous, job: job, store: store, dbPath: dbPath, sha: sha)
                    return
                }
            }
            let owner = try RunSession.acquireLease(store: store, job: job, runID: runID)
            try UnfinishedRunGuard(
                job: job, store: store, dbPath: dbPath, inputPath: inputPath, newRunID: runID, supersede: supersede,
                json: json
            ).enforce(owner: owner)

            // 3. Ingest: every row into SQLite, so resume never needs the file.
            let options = try JSONEncoder().encode(session.overrides)
            do {
                try store.createRun(NewRun(
                    id: runID, jobName: job.name, jobPath: job.path, jobText: job.text, provider: job.provider.rawValue,
                    inputPath: inputPath, inputSHA256: sha, optionsJSON: String(decoding: options, as: UTF8.self),
                    createdAt: Date()))
                try recording.record(store: store, runID: runID, report: report)
            } catch {
                try? store.releaseLease(jobName: job.name, runID: runID, owner: owner)
                CommandSupport.printError("orderbatch: could not record the run in \(dbPath): \(error); nothing was sent")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            if !json { CommandSupport.printError("orderbatch: run \(runID): \(report.rows) rows recorded in \(dbPath)") }

            // 4. Execute.
            var s = session
            s.job.state = dbPath
            let status = try await s.execute(store: store, runID: runID, owner: owner)
            try? store.close()
            if status != .success { throw ExitCode(status.rawValue) }
        }

        /// A previous run of this job already took this input: nothing is sent again.
        ///
        /// A finished run: say so and exit 0 (a cron line that fires twice has nothing left to do). A run that can
        /// still go on: exit 75 if a process is executing it, else point at `resume` and exit 3 (stopped early,
        /// resumable): starting afresh would send again the rows it already applied.
        private func refuseRerun(of previous: RunRecord, job: Job, store: some RunStore, dbPath: String, sha: String) throws {
            let input = "job \(job.name) already ran this input (SHA-256 \(sha.prefix(12))…) as run \(previous.id)"
            guard previous.state != .finished else {
                CommandSupport.printError(
                    "orderbatch: \(input), which finished; nothing was sent. Pass --allow-rerun to send it again.")
                return
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
            _ = try recording.validation.run(source: source, sourcePath: inputPath, findDuplicates: false) { v in
                guard let row = v.row, !dup.contains(v.seq) else { return }
                let payload = row.update.storedJSON
                let item = OutboundItem(seq: Int64(v.seq), orderID: row.orderID, payload: payload, idempotencyKey: "ob-<run>-\(v.seq)-g1")
                print("# line \(v.line)")
                print(client.describe(item))
                shown += 1
            }
            print("# dry run: \(shown) requests would be sent to \(base); nothing was sent")
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
