import Foundation

extension RunCoordinator {
    /// `run`: validates the input, records every row, executes them and returns the ending.
    ///
    /// A signal while the input is validated is the command's to handle (nothing is recorded yet); from the
    /// lease on, a signal stops between two rows and leaves a run `resume` can finish.
    ///
    /// - Returns: ``RunOutcome/dryRun(_:)``, ``RunOutcome/alreadyFinished`` (exit 0) or the executed run.
    /// - Throws: ``RunError`` for every other ending: invalid input (2), a refused re-run or unfinished older
    ///   run, a signal before sending (3), a usage error (64), a held lease (75), a failed execution (3, 74, 75).
    public func run(_ request: NewRunRequest) async throws -> RunOutcome {
        let job = request.job
        let effective = try request.overrides.applied(to: job)

        // 1. Validate the whole file before anything is stored or sent.
        var recording = InputRecording(
            job: job, inputPath: request.inputPath, format: request.format, skipInvalid: request.skipInvalid,
            displayPath: request.displayPath)
        let report = try recording.validate()
        if request.dryRun { return .dryRun(DryRunPlan(job: effective, recording: recording, report: report)) }

        // A missing credential is a usage error (64) before anything is recorded.
        _ = try requireCredentials(for: effective, module: module(for: effective))

        // 2. Refuse a second run of the same input unless asked.
        let dbPath = request.db
        let runID = request.runID
        let store = try Self.openStore(dbPath)
        let sha: String
        do {
            sha = try request.spool?.sha256 ?? SHA256Hasher.hexDigest(ofFileAt: request.inputPath)
        } catch {
            throw RunError.usage("orderbatch: \(request.inputPath): \(error)")
        }
        if try store.run(id: runID) != nil {
            throw RunError.usage("orderbatch: \(RunStoreError.duplicateRun(runID)); nothing was sent")
        }
        if !request.allowRerun, let previous = try store.previousRun(jobName: job.name, inputSHA256: sha) {
            if previous.state == .ingesting {
                try supersedeInterrupted(previous, by: runID, job: job, store: store)
            } else {
                observer.concern(runID: previous.id, store: store)
                try refuseRerun(of: previous, job: job, store: store, dbPath: dbPath, sha: sha)
                return .alreadyFinished
            }
        }

        // From here a signal stops between two rows and leaves a run `resume` can finish.
        observer.enter(.recording(runID: runID, resume: Self.resumeCommand(runID: runID, db: dbPath)))
        let owner = try acquireLease(store: store, job: job, runID: runID)
        let releaseLease: () -> Void = { _ = try? store.releaseLease(jobName: job.name, runID: runID, owner: owner) }
        if let name = observer.signalReceived {
            releaseLease()
            throw RunError.stoppedEarly(
                "orderbatch: \(name): stopped before anything was recorded or sent; run the same command again")
        }
        try UnfinishedRunGuard(
            job: job, store: store, dbPath: dbPath, inputPath: request.displayPath ?? request.inputPath,
            newRunID: runID,
            supersede: request.supersede, json: quiet, observer: observer
        ).enforce(owner: owner)

        // 3. Ingest: every row into SQLite, so resume never needs the file.
        let options = try JSONEncoder().encode(request.overrides)
        recording.stop = observer.stop
        // Standard input or a pipe, valid: named beside the database, so the run reads and resumes it as a file.
        let inputPath: String
        do {
            inputPath = try keepSpool(of: request)
        } catch {
            releaseLease()
            throw error
        }
        recording.inputPath = inputPath
        do {
            try store.createRun(
                NewRun(
                    id: runID, jobName: job.name, jobPath: job.path, jobText: job.text, provider: job.provider.rawValue,
                    inputPath: inputPath, inputSHA256: sha,
                    optionsJSON: String(decoding: options, as: UTF8.self),
                    createdAt: Date()))
            observer.concern(runID: runID, store: store)
            try recording.record(store: store, runID: runID, report: report) {
                _ = try? store.renewLease(jobName: job.name, runID: runID, owner: owner)
            }
            try store.recordInvocation(
                InvocationRecord(runID: runID, command: .run, startedAt: Date(), overrides: request.overrides.pacing))
        } catch is StoppableRecordSource.Stopped {
            // Reported just below.
        } catch {
            releaseLease()
            throw RunError.usage("orderbatch: could not record the run in \(dbPath): \(error); nothing was sent")
        }
        try stopIfSignalled(runID: runID, store: store, db: dbPath, releasing: releaseLease)
        inform("orderbatch: run \(runID): \(report.rows) rows recorded in \(dbPath)")

        // 4. Execute.
        var recorded = job
        recorded.state = dbPath
        return try await execute(store: store, runID: runID, owner: owner, job: recorded, overrides: request.overrides)
    }

    /// The input path to record, absolute (so `resume` finds it from any directory): for standard input or a
    /// pipe, its spooled copy, kept under its SHA-256 beside the database (said on standard error).
    ///
    /// - Throws: ``RunError/usage(_:)`` when the copy cannot be kept.
    private func keepSpool(of request: NewRunRequest) throws(RunError) -> String {
        guard let spool = request.spool else { return InputSelection.absolute(request.inputPath) }
        let directory =
            request.spoolDirectory ?? InputSelection.spoolDirectory(forDatabase: request.db, job: request.job)
        let kept: String
        do {
            kept = InputSelection.absolute(try spool.keep(in: directory, format: request.format))
        } catch {
            throw .usage("orderbatch: \(error)")
        }
        inform(
            "orderbatch: \(request.displayPath ?? request.inputPath) (\(spool.byteCount) bytes, SHA-256 "
                + "\(spool.sha256.prefix(12))…) spooled to \(kept)")
        return kept
    }

    /// A previous run of this job already took this input: nothing is sent again.
    ///
    /// A finished run: say so and return (exit 0: a cron line that fires twice has nothing left to do). A run
    /// that can still go on: exit 75 if a process is executing it, else point at `resume` and exit 3 (stopped
    /// early, resumable): starting afresh would send again the rows it already applied.
    private func refuseRerun(of previous: RunRecord, job: Job, store: some RunStore, dbPath: String, sha: String) throws
    {
        let input = "job \(job.name) already ran this input (SHA-256 \(sha.prefix(12))…) as run \(previous.id)"
        guard previous.state != .finished else {
            observer.note(
                "orderbatch: \(input), which finished; nothing was sent. Pass --allow-rerun to send it again.")
            return
        }
        let owner = try acquireLease(store: store, job: job, runID: previous.id)
        try store.releaseLease(jobName: job.name, runID: previous.id, owner: owner)
        throw RunError.stoppedEarly(
            "orderbatch: \(input), which is \(previous.state.rawValue) with rows left; nothing was sent. "
                + "Continue it: orderbatch resume \(ShellWord.quote(previous.id)) --db \(ShellWord.quote(dbPath)) "
                + "(--allow-rerun would start a new run and send again the rows it already applied)")
    }

    /// A run of this input that was interrupted while recording it (no live process holds it: else exit 75)
    /// sent nothing: it is closed as superseded, and this invocation starts a new run.
    private func supersedeInterrupted(_ previous: RunRecord, by runID: String, job: Job, store: some RunStore) throws {
        let owner = try acquireLease(store: store, job: job, runID: previous.id)
        try store.setRunState(
            id: previous.id, .failedIngest, reason: "interrupted while recording its input; superseded by run \(runID)")
        try store.releaseLease(jobName: job.name, runID: previous.id, owner: owner)
        inform(
            "orderbatch: run \(previous.id) was interrupted while recording this input and sent nothing; "
                + "starting run \(runID)")
    }

    /// Opens the state database, creating it (a SQLite file and its folder, or PostgreSQL tables) if needed.
    ///
    /// - Throws: ``RunError`` (64 when it cannot be opened, 3 when a PostgreSQL server does not answer).
    static func openStore(_ path: String) throws(RunError) -> any RunStore {
        try StateDatabase.open(path, purpose: .create)
    }

    /// A new run id: `yyyyMMdd-HHmmss-xxxx` in UTC, with 4 random hex digits.
    public static func makeRunID() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let suffix = (try? SecureRandom.bytes(2)).map { $0.map { String(format: "%02x", $0) }.joined() } ?? "0000"
        return f.string(from: Date()) + "-" + suffix
    }
}
