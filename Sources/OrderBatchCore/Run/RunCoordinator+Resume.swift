import Foundation

extension RunCoordinator {
    /// `resume`: continues a run that stopped, crashed or was killed, with the options it was started with.
    /// Rows a killed process left `in_flight` become `unknown` and are reconciled first; a run killed while
    /// recording its input is recorded again from the start.
    ///
    /// - Throws: ``RunError``: 2 for a canceled or `failed_ingest` run (or one whose input a later run took),
    ///   3 for a signal before sending, 64 when an interrupted ingest's input is gone or changed, 75 for a held
    ///   lease, and what ``execute(store:runID:owner:job:overrides:)`` throws.
    public func resume(_ stored: StoredRun) async throws -> RunOutcome {
        let (store, run, db) = (stored.store, stored.run, stored.db)
        observer.concern(job: stored.job)
        observer.concern(runID: run.id, store: store)
        try stored.refuseIfNeverStarted(doing: "resume")
        if run.state == .finished {
            // Nothing to send: say so, and start nothing (no lease, no emulator, no transport).
            observer.note(try finishedNote(stored))
            return .alreadyFinished
        }
        observer.enter(.recording(runID: run.id, resume: Self.resumeCommand(runID: run.id, db: db)))
        let owner = try acquireLease(store: store, job: stored.job, runID: run.id)
        if run.state == .ingesting {
            do {
                try recordAgain(stored, owner: owner)
            } catch is StoppableRecordSource.Stopped {
                // Reported just below.
            }
        }
        try stopIfSignalled(runID: run.id, store: store, db: db) {
            _ = try? store.releaseLease(jobName: stored.job.name, runID: run.id, owner: owner)
        }
        let recovered = try store.recoverInterrupted(runID: run.id)
        if recovered > 0 {
            inform("orderbatch: \(recovered) rows were in flight when the run stopped; they will be reconciled first")
        }
        try begin(.resume, stored, owner: owner)
        return try await execute(
            store: store, runID: run.id, owner: owner, job: stored.job, overrides: stored.overrides,
            invocation: "resume")
    }

    /// `retry`: sends again the rows that failed (with `includeSkipped`, the skipped ones too) as a new attempt
    /// generation, hence with new idempotency keys.
    ///
    /// - Throws: ``RunError``: 2 for a canceled or `failed_ingest` run, 64 for a run still `ingesting` (nothing
    ///   failed; `resume` records it), 75 for a held lease, and what ``execute(store:runID:owner:job:overrides:)``
    ///   throws.
    public func retry(_ stored: StoredRun, includeSkipped: Bool) async throws -> RunOutcome {
        let (store, run, db) = (stored.store, stored.run, stored.db)
        observer.concern(job: stored.job)
        observer.concern(runID: run.id, store: store)
        // Only a run whose input is wholly recorded has rows to send again; an interrupted ingest holds
        // part of them, which `resume` records again first.
        try stored.refuseIfNeverStarted(doing: "retry")
        if run.state == .ingesting {
            throw RunError.usage(
                "orderbatch: run \(run.id) is still recording its input (or was interrupted doing so); nothing was "
                    + "sent, so nothing failed. Continue it: orderbatch resume \(ShellWord.quote(run.id)) "
                    + "--db \(ShellWord.quote(db))")
        }
        observer.enter(.recording(runID: run.id, resume: Self.resumeCommand(runID: run.id, db: db)))
        let owner = try acquireLease(store: store, job: stored.job, runID: run.id)
        _ = try store.recoverInterrupted(runID: run.id)
        let n = try store.startRetryGeneration(runID: run.id, states: includeSkipped ? [.failed, .skipped] : [.failed])
        let counts = try store.counts(runID: run.id)
        if n == 0 && counts.remaining == 0 && run.state == .finished {
            try? store.releaseLease(jobName: stored.job.name, runID: run.id, owner: owner)
            let skipped =
                counts.skipped > 0 && !includeSkipped
                ? " (\(counts.skipped) skipped: --include-skipped sends them again)" : ""
            observer.note(
                "orderbatch: run \(run.id) has no failed rows\(skipped) and none left to send; nothing was sent")
            return .alreadyFinished
        }
        inform("orderbatch: run \(run.id): \(n) rows to send again")
        try begin(.retry, stored, owner: owner)
        return try await execute(
            store: store, runID: run.id, owner: owner, job: stored.job, overrides: stored.overrides, invocation: "retry"
        )
    }

    /// Records the invocation with its pacing flags, and says what pace it runs at: a warning when the job
    /// file on disk differs from the recorded job, the values in effect when flags changed them, a warning when
    /// the failures recorded already leave no room under `max_failures`.
    ///
    /// - Throws: ``RunError/usage(_:)`` for an option that does not parse (checked when the run was opened), or
    ///   what the store throws; the lease is released then.
    private func begin(_ command: InvocationCommand, _ stored: StoredRun, owner: LeaseOwner) throws {
        let (store, run) = (stored.store, stored.run)
        do {
            let note = try stored.pacingNote(command)
            let effective = try stored.overrides.applied(to: stored.job)
            if let drift = note.driftWarning(effective: effective) { observer.warn(drift) }
            if let line = note.overrideNote(effective: effective) { inform(line) }
            let counts = try store.counts(runID: run.id)
            if let line = note.failureLimitWarning(effective: effective, failed: counts.failed, total: counts.total) {
                observer.warn(line)
            }
            try store.recordInvocation(
                InvocationRecord(runID: run.id, command: command, startedAt: Date(), overrides: stored.invocation))
        } catch {
            try? store.releaseLease(jobName: stored.job.name, runID: run.id, owner: owner)
            throw error
        }
    }

    /// What `resume` says of a finished run: its counts, and what is left to do with it.
    private func finishedNote(_ stored: StoredRun) throws -> String {
        let (run, db) = (stored.run, stored.db)
        let counts = try stored.store.counts(runID: run.id)
        let when = run.finishedAt.map { " at \($0.formatted(.iso8601))" } ?? ""
        var line =
            "orderbatch: run \(run.id) finished\(when) (\(counts.total) rows: \(counts.succeeded) succeeded, "
            + "\(counts.failed) failed, \(counts.skipped) skipped, \(counts.invalid) invalid); nothing to resume, "
            + "nothing was sent"
        let id = ShellWord.quote(run.id)
        let dbArg = "--db \(ShellWord.quote(db))"
        if counts.failed > 0 {
            line += ". Send the failed rows again: orderbatch retry \(id) \(dbArg)"
        } else if counts.skipped > 0 {
            line += ". Send the skipped rows again: orderbatch retry \(id) \(dbArg) --include-skipped"
        }
        return line
    }

    /// A run still `ingesting` whose process is gone was interrupted while recording its input, before
    /// anything was sent. Its rows are recorded again from the start, from the recorded input file if it
    /// still has the recorded SHA-256; otherwise it cannot go on (exit 64, with what to do). When a later
    /// run of the job took the same input, it is closed as `failed_ingest` (exit 2, as for such a run).
    private func recordAgain(_ stored: StoredRun, owner: LeaseOwner) throws {
        let (store, run, job) = (stored.store, stored.run, stored.job)
        func refuse(_ message: String, _ status: ExitStatus = .usage) -> RunError {
            try? store.releaseLease(jobName: job.name, runID: run.id, owner: owner)
            return RunError(
                status,
                "orderbatch: run \(run.id) was interrupted while recording its input; nothing was sent. " + message)
        }
        if let later = try store.previousRun(jobName: run.jobName, inputSHA256: run.inputSHA256), later.id != run.id {
            try store.setRunState(
                id: run.id, .failedIngest,
                reason: "interrupted while recording its input; superseded by run \(later.id)")
            throw refuse(
                "Run \(later.id) took the same input since: look at that one (orderbatch status \(ShellWord.quote(later.id)))",
                .invalidInput)
        }
        let startAgain = "Start a new run: orderbatch run \(ShellWord.quote(run.jobPath)) --input FILE"
        let sha = try? SHA256Hasher.hexDigest(ofFileAt: run.inputPath)
        guard let sha else { throw refuse("Its input \(run.inputPath) cannot be read any more. " + startAgain) }
        guard sha == run.inputSHA256 else {
            throw refuse(
                "Its input \(run.inputPath) has changed since (SHA-256 \(sha.prefix(12))…, not \(run.inputSHA256.prefix(12))…). "
                    + startAgain)
        }
        let recorded = stored.overrides.format.flatMap(InputFormat.init(rawValue:))
        guard let format = recorded ?? job.inputFormat(for: run.inputPath) else { throw refuse(startAgain) }
        let recording = InputRecording(
            job: job, inputPath: run.inputPath, format: format, skipInvalid: stored.overrides.skipInvalid ?? false,
            stop: observer.stop)
        let report = try recording.validate()
        let discarded = try store.discardItems(runID: run.id)
        try recording.record(store: store, runID: run.id, report: report) {
            _ = try? store.renewLease(jobName: job.name, runID: run.id, owner: owner)
        }
        inform(
            "orderbatch: run \(run.id) was interrupted while recording its input (\(discarded) rows recorded, "
                + "nothing sent); recorded all \(report.rows) rows again from \(run.inputPath)")
    }
}
