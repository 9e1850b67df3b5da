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

                --input - (with --format) reads standard input; it, or a pipe or device given as --input, is \
                copied beside the state database (DB.inputs/SHA-256.csv, kept once the input is valid, said on \
                standard error), so the run is hashed, recorded and resumed as from a file. Input paths are \
                recorded absolute.
                """)

        @Argument(help: "The job file (YAML).") var job: String
        @Option(help: "Use this input file instead of the job's `input`; - reads standard input (with --format).")
        var input: String?
        @Option(
            help: "The input's format, csv or jsonl (required with --input -; default: the job's, else the extension).")
        var format: String?
        @Option(
            help: ArgumentHelp(
                "The state database (default: the job's `state`): a SQLite file, or postgresql://USER@HOST:PORT/DB "
                    + "(no password: PGPASSWORD or ~/.pgpass).", valueName: "file|url"))
        var db: String?
        @Option(help: "Run id (default: generated, e.g. 20261123-020000-4f2a).") var runID: String?
        @Flag(help: "Record invalid rows as `invalid` and send the valid ones.") var skipInvalid = false
        @Flag(help: "Validate, then print the requests that would be sent (credentials masked); send nothing.")
        var dryRun = false
        @Option(help: "With --dry-run: print only the first N requests, then the totals.") var limit: Int?
        @Flag(help: "Run even if this job already completed a run on an input with the same SHA-256.") var allowRerun =
            false
        @Flag(help: "Close the job's unfinished older runs as canceled (superseded by this one) instead of refusing.")
        var supersede = false
        @Option(help: "Stop when permanent failures pass N rows or N% of rows, or none (exit 3).") var maxFailures:
            String?
        @Option(help: "Requests in flight at most (overrides the job).") var concurrency: Int?
        @Option(help: "Rate limit: requests per second, or windows such as 200/1m,1000/5m, or none.") var rate: String?
        @Option(help: "Stop starting work after this long (e.g. 50m); exit 3, resumable.") var deadline: String?
        @Option(help: "Write Prometheus text-format metrics to this file on exit, whatever the exit code.") var metrics:
            String?
        @Flag(help: "Print the summary as JSON.") var json = false
        @OptionGroup var log: LogOptions

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
            if limit != nil && !dryRun { throw ValidationError("--limit goes with --dry-run") }
            if let c = concurrency, !(1...256).contains(c) {
                throw ValidationError("--concurrency must be from 1 to 256")
            }
            if let id = runID,
                id.isEmpty || id.count > 64
                    || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            {
                throw ValidationError("--run-id must be 1–64 letters, digits, '-' or '_'")
            }
        }

        func run() async throws {
            let invocation = RunInvocation(metricsPath: metrics, json: json, log: log)
            try await invocation.perform { try await perform(invocation) }
        }

        /// The run, from the job file to the exit status: ``RunCoordinator/run(_:)`` does the sequence; see
        /// ``RunInvocation/perform(_:)`` for the metrics file and ``SignalTrap`` for what a signal does in each
        /// phase.
        private func perform(_ invocation: RunInvocation) async throws -> ExitStatus {
            let job = try CommandSupport.loadJob(self.job)
            invocation.metrics.concern(job: job)
            let dbPath = db ?? job.state
            let selection = try InputSelection(
                job: job, input: input, format: format,
                // A dry run keeps nothing: its copy of standard input stays unnamed and goes with the process.
                spoolDirectory: dryRun
                    ? NSTemporaryDirectory() : InputSelection.spoolDirectory(forDatabase: dbPath, job: job))
            var request = NewRunRequest(
                job: job, inputPath: selection.readPath, format: selection.format, db: dbPath,
                runID: runID ?? RunCoordinator.makeRunID(),
                overrides: RunOverrides(
                    concurrency: concurrency, rate: rate, deadline: deadline, maxFailures: maxFailures,
                    skipInvalid: skipInvalid, input: input.map { $0 == "-" ? $0 : InputSelection.absolute($0) },
                    format: format),
                dryRun: dryRun, allowRerun: allowRerun, supersede: supersede)
            request.displayPath = selection.displayPath
            request.spool = selection.spool
            request.spoolDirectory = selection.spoolDirectory
            let outcome = try await RunSession.coordinator(invocation: invocation, json: json).run(request)
            if case .dryRun(let plan) = outcome {
                invocation.metrics.discard()
                try printDryRun(job: plan.job, recording: plan.recording, report: plan.report)
                try CommandSupport.requireOutputWritten()
                return .success
            }
            return RunSession.report(outcome, json: json, quiet: log.quiet)
        }

        /// Prints each request a run would send, in order (each row's preflight status read, then its update),
        /// the first `--limit` of them when given, then the totals and the estimate (see ``RunPlan``).
        private func printDryRun(job: Job, recording: InputRecording, report: ValidationReport) throws {
            let base = job.endpoint.baseURL(for: job.provider) ?? "http://127.0.0.1:<emulator-port>"
            let client = RunSession.makeDryRunClient(job: job, baseURL: base)
            let plan = RunPlan(job: job, inputPath: recording.displayPath, report: report)
            let dup = Set(report.duplicates.map(\.seq))
            var shown = 0
            func show(_ text: String) throws {
                // Standard output lost (its reader went away), or --limit reached: the rest would go nowhere.
                guard CommandSupport.outputIsOpen, shown < (limit ?? Int.max) else {
                    throw StoppableRecordSource.Stopped()
                }
                CommandSupport.output(text)
                shown += 1
            }
            let source = recording.format.makeSource(path: recording.inputPath)
            do {
                _ = try recording.validation.run(
                    source: source, sourcePath: recording.displayPath, findDuplicates: false
                ) { v in
                    guard let row = v.row, !dup.contains(v.seq) else { return }
                    let item = OutboundItem(
                        seq: Int64(v.seq), orderID: row.orderID, payload: row.update.storedJSON,
                        idempotencyKey: "ob-<run>-\(v.seq)-g1")
                    if job.preflight {
                        try show("# line \(v.line): status read (preflight)\n" + client.describeStatusRead(item))
                    }
                    try show("# line \(v.line): update\n" + client.describe(item))
                }
            } catch is StoppableRecordSource.Stopped {
                guard CommandSupport.outputIsOpen else { return }
            }
            let shownText = shown < plan.requests ? " (\(shown) shown)" : ""
            CommandSupport.output(
                "# dry run: \(plan.requests) requests would be sent to \(base)\(shownText): "
                    + "\(plan.preflightReads) status reads (preflight), \(plan.updates) updates; nothing was sent")
            CommandSupport.output("# estimate: \(plan.headline) (orderbatch plan: the assumptions)")
        }
    }
}
