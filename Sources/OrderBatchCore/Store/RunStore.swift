/// The durable record of runs, their rows and every attempt: the one interface the executor and the commands
/// use, so that another store (PostgreSQL, letting several machines share a run) can replace
/// ``SQLiteRunStore`` without touching them.
///
/// Calls are synchronous, short and thread-safe. Every method that writes does so in one transaction: either all
/// of its effect is durable or none is. The store never commits on its own initiative; the executor driver groups
/// results and calls ``record(_:)`` once per group.
///
/// The store never holds a credential: runs keep the job file's text (job files carry no secrets), rows keep
/// the typed update and the input columns, attempts keep provider messages.
public protocol RunStore: AnyObject, Sendable {
    // MARK: - Runs

    /// Records a new run in state ``RunState/ingesting``.
    /// - Throws: ``RunStoreError/duplicateRun(_:)`` when the id is taken.
    func createRun(_ run: NewRun) throws

    /// The run with this id, or nil.
    func run(id: String) throws -> RunRecord?

    /// The most recent runs, newest first.
    func recentRuns(limit: Int) throws -> [RunRecord]

    /// The newest run of a job, or nil.
    func latestRun(jobName: String) throws -> RunRecord?

    /// The newest run of `jobName` on an input with this SHA-256 that may have sent something (state
    /// ``RunState/ready``, ``RunState/running``, ``RunState/stopped`` or ``RunState/finished``) or is
    /// recording it (``RunState/ingesting``, perhaps interrupted), or nil: `run` refuses to process the
    /// same input twice unless told to, and points at the run to resume.
    func previousRun(jobName: String, inputSHA256: String) throws -> RunRecord?

    /// Moves a run to `state`, with a reason (for ``RunState/stopped``) or nil. Entering
    /// ``RunState/running`` the first time records `startedAt`; entering ``RunState/finished`` or
    /// ``RunState/failedIngest`` records `finishedAt`.
    /// - Throws: ``RunStoreError/unknownRun(_:)``.
    func setRunState(id: String, _ state: RunState, reason: String?) throws

    /// The runs of `jobName` that may still send something when resumed (state ``RunState/ingesting``,
    /// ``RunState/ready``, ``RunState/running`` or ``RunState/stopped``), newest first: a new run of the job
    /// must not start beside one of them unless it is closed (``cancelRun(id:reason:)``).
    func openRuns(jobName: String) throws -> [RunRecord]

    /// Closes a run for good in one transaction: state ``RunState/canceled`` with `reason`, and its rows left
    /// ``ItemState/inFlight`` by a dead process become ``ItemState/unknown``. Returns the run's counts. Call
    /// only while holding the run's lease.
    /// - Throws: ``RunStoreError/unknownRun(_:)``; ``RunStoreError/notOpen(runID:state:)`` for a run that
    ///   is finished, failed_ingest or canceled already.
    func cancelRun(id: String, reason: String) throws -> RunCounts

    // MARK: - Invocations

    /// Records that `invocation` (a `run`, `resume` or `retry`) began working on its run, with the pacing
    /// flags it was given.
    func recordInvocation(_ invocation: InvocationRecord) throws

    /// The run's invocations, oldest first (none for a run recorded before schema version 3).
    func invocations(runID: String) throws -> [InvocationRecord]

    // MARK: - Ingest

    /// Stores a batch of rows in one transaction, each with its generation-1 idempotency key (invalid rows get
    /// none). Call with batches of a few thousand rows.
    /// - Throws: ``RunStoreError/invalidNewItemState(_:)`` for a row neither pending nor invalid; ``SQLiteError``
    ///   for a duplicate seq or an unknown run. Nothing of the batch is stored then.
    func insertItems(runID: String, _ items: [NewItem]) throws

    /// Deletes every row of a run still in ``RunState/ingesting`` (so nothing was sent), so that its input
    /// can be recorded again from the start after an interrupted ingest. Returns how many rows.
    /// - Throws: ``RunStoreError/notIngesting(runID:state:)`` for a run in any other state,
    ///   ``RunStoreError/unknownRun(_:)``.
    func discardItems(runID: String) throws -> Int

    // MARK: - Execution

    /// Atomically moves up to `limit` rows that are ``ItemState/pending`` or ``ItemState/unknown`` with a seq
    /// above `afterSeq` (lowest seq first) to ``ItemState/inFlight`` and returns them. Unknown rows come back
    /// with `needsReconcile`.
    ///
    /// The executor passes the highest seq it has claimed so far, so one execution offers each row at most
    /// once: a row it hands back `unknown` (its fate could not be read) waits for the next `resume` instead
    /// of being reconciled again at once, without pause or cap.
    ///
    /// - Parameters:
    ///   - runID: The run whose rows are claimed.
    ///   - limit: The most rows to claim; none when it is 0 or less.
    ///   - afterSeq: Only rows with a higher seq are claimed (0 for every row).
    ///   - fence: When given, the claim happens only if `fence` still holds the run's lease, checked
    ///     in the same transaction; otherwise ``RunStoreError/leaseLost(runID:)`` and nothing is claimed.
    /// - Returns: The claimed rows, now ``ItemState/inFlight``, lowest seq first; empty when none is left
    ///   to claim.
    /// - Throws: ``RunStoreError/leaseLost(runID:)`` when `fence` no longer holds the lease,
    ///   ``RunStoreError/corruptRow(runID:seq:detail:)`` for a row that lacks its order id, payload or key, or
    ///   ``SQLiteError``; nothing is claimed then.
    func claimPending(runID: String, limit: Int, afterSeq: Int64, fence: LeaseOwner?) throws -> [ClaimedItem]

    /// On resume: rows a dead process left ``ItemState/inFlight`` become ``ItemState/unknown`` (their request may
    /// have landed). Returns how many. Call only while holding the run's lease.
    func recoverInterrupted(runID: String) throws -> Int

    /// Records a group of results in ONE transaction: each row's new state and last outcome, and each attempt
    /// appended to the attempts log.
    ///
    /// - Parameters:
    ///   - results: The group, each result with its attempts; an empty group records nothing.
    ///   - fence: When given, the group is recorded only if `fence` still holds the run's lease,
    ///     checked in the same transaction; otherwise ``RunStoreError/leaseLost(runID:)`` and nothing is
    ///     recorded (the rows stay claimed: the lease's new holder reconciles them).
    /// - Throws: ``RunStoreError/staleResult(runID:seq:generation:)`` when a result names no row of that
    ///   generation, ``RunStoreError/invalidResultState(_:)``, ``RunStoreError/leaseLost(runID:)``; nothing of
    ///   the group is recorded then.
    func record(_ results: [ItemResult], fence: LeaseOwner?) throws

    /// Starts a new attempt generation: rows in `states` (``ItemState/failed`` and optionally
    /// ``ItemState/skipped``) go back to ``ItemState/pending`` with generation + 1, a new idempotency key and
    /// their attempt count reset; the attempts log keeps the old attempts. Returns how many rows.
    /// - Throws: ``RunStoreError/notRetryable(_:)`` for any other state.
    func startRetryGeneration(runID: String, states: Set<ItemState>) throws -> Int

    // MARK: - Reporting

    /// How many rows of the run are in each state.
    func counts(runID: String) throws -> RunCounts

    /// Calls `body` for each row of the run in `states` (all rows when nil), in seq order, reading a page at a
    /// time so memory stays flat. `body` may call back into the store. Rethrows what `body` throws.
    func forEachItem(runID: String, states: Set<ItemState>?, _ body: (StoredItem) throws -> Void) throws

    /// The attempts log of one row, oldest first, across every generation.
    func attempts(runID: String, seq: Int64) throws -> [AttemptLogEntry]

    // MARK: - Leases

    /// Takes the lease on `jobName` and on `runID` for `owner`, in one write transaction: one live lease per job
    /// name and per run id. A lease already held by `owner` (same token) is refreshed. A lease is stale, and
    /// taken over, when its heartbeat is older than `ttlSeconds`, or when it was taken on this host by a pid
    /// that no longer exists.
    func acquireLease(jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double) throws -> LeaseResult

    /// Refreshes both heartbeats. Returns false when `owner` no longer holds both leases (another process took
    /// them over as stale): stop dispatching then.
    func renewLease(jobName: String, runID: String, owner: LeaseOwner) throws -> Bool

    /// Gives up both leases if `owner` holds them.
    func releaseLease(jobName: String, runID: String, owner: LeaseOwner) throws

    /// The lease on run `runID` as stored (live or stale: see ``LeaseHolder/isLive(now:ttlSeconds:host:)``), or
    /// nil when no process holds or left one.
    func runLease(runID: String) throws -> LeaseHolder?

    // MARK: - Workers (several processes on one run)

    /// Whether several processes may work on one run at once (``joinRun(jobName:runID:owner:ttlSeconds:)``):
    /// true for PostgreSQL, false for SQLite (one process per run).
    var supportsWorkers: Bool { get }

    /// Takes a lease on run `runID` beside the live workers already on it (`orderbatch work`): refused by a live
    /// process on another run of `jobName` (one run per job at a time); stale leases of the job or run are
    /// taken over. A store without ``supportsWorkers`` takes the run's only lease, as
    /// ``acquireLease(jobName:runID:owner:ttlSeconds:)``.
    func joinRun(jobName: String, runID: String, owner: LeaseOwner, ttlSeconds: Double) throws -> LeaseResult

    /// The processes working on (or that left a lease on) run `runID`, oldest first, live or not.
    func workers(runID: String) throws -> [RunWorker]

    /// The rescuer pass: workers of run `runID` whose lease expired (heartbeat older than their TTL, or a dead
    /// pid on this host) lose their rows: the rows they had in flight become ``ItemState/unknown`` (reconciled
    /// before anything is sent again) and their lease goes. Rows of live workers are never touched. Returns how
    /// many rows were rescued (always 0 for a store without ``supportsWorkers``).
    func rescueStaleWorkers(runID: String) throws -> Int

    // MARK: - Health

    /// Throws ``RunStoreError/databaseMoved(path:)`` when the store's file was deleted, moved or replaced
    /// since it was opened; called at every heartbeat, so a run stops sending once its writes would be lost.
    func checkStorage() throws

    /// The problems `PRAGMA quick_check` finds (empty when the database is sound). `resume` and `retry`
    /// run it first: it reads the whole file (about 8 s for a 1M-row, 420 MB database here).
    func quickCheck() throws -> [String]

    /// A check of one run's rows cheap enough for every `status` and `report`: the counts by state and
    /// the rows' numbering (1…N) come from two different indexes and must agree. Empty when they do.
    func consistencyProblems(runID: String) throws -> [String]

    // MARK: - Lifetime

    /// Closes the store; later calls fail.
    func close() throws
}

extension RunStore {
    /// Claims from the lowest seq with no lease check (tests and tools).
    public func claimPending(runID: String, limit: Int) throws -> [ClaimedItem] {
        try claimPending(runID: runID, limit: limit, afterSeq: 0, fence: nil)
    }

    /// Records a group with no lease check (tests and tools).
    public func record(_ results: [ItemResult]) throws {
        try record(results, fence: nil)
    }

    /// Starts a new attempt generation for the ``ItemState/failed`` rows.
    public func startRetryGeneration(runID: String) throws -> Int {
        try startRetryGeneration(runID: runID, states: [.failed])
    }
}
