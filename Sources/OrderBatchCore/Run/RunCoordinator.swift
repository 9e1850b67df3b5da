import Foundation

/// The sequence of `run`, `resume` and `retry`, from a parsed job (or a recorded run) to the exit status:
/// validate → dry-run stop → credential check → store checks (duplicate run id, the same-input re-run check,
/// the unfinished-runs guard) → lease → record the input → execute → final state → exit status.
///
/// The commands parse flags, call it, and print what it returns (the summary); every ending that is not a
/// summary is a ``RunError`` carrying the message and the exit status, printed once by the command. The job's
/// provider is a ``ProviderModule`` of ``registry``: it reads the credentials from ``environment``, builds the
/// client, and the policy comes from the job (`RunCoordinator+Provider.swift`). What lives outside Core is
/// injected: where the requests go (``resolveEndpoint``, which may start the built-in emulator), the transport
/// (``makeTransport``), and the world a run reports to (``observer``: signals, standard error, metrics,
/// progress).
///
/// ```swift
/// let coordinator = RunCoordinator(environment: ProcessInfo.processInfo.environment, observer: observer, quiet: json)
/// switch try await coordinator.run(NewRunRequest(job: job, inputPath: path, format: .csv, db: job.state, runID: id)) {
/// case .executed(let summary): print(summary.counts)
/// case .dryRun, .alreadyFinished: break
/// }
/// ```
public struct RunCoordinator: Sendable {
    /// The providers a run may name: a job's provider is looked up here by name, and its module builds the
    /// client, reads the credentials and words a refusal (``ProviderRegistry/standard`` in the binary).
    public var registry: ProviderRegistry
    /// The environment the credentials are read from (the process's, in the binary).
    public var environment: [String: String]
    /// Where the job's requests go, given its credentials (the built-in emulator is started with them);
    /// started after the rows are recorded, shut down when the run ends.
    public var resolveEndpoint: @Sendable (Job, ProviderCredentials) async throws -> RunEndpoint
    /// The transport for one execution, gated by the lease fence: libcurl in the binary, a fake in tests.
    public var makeTransport: @Sendable (Job, LeaseFence) -> RunTransport
    /// Signals, lines for standard error, metrics and progress.
    public var observer: any RunObserver
    /// `--json`: leave out the informational lines (errors and signal lines are always written).
    public var quiet: Bool
    /// Who takes leases (this process by default).
    public var owner: @Sendable () -> LeaseOwner = { LeaseOwner.current() }

    /// A coordinator for the jobs of `registry`'s providers.
    ///
    /// - Parameters:
    ///   - registry: The providers; a job whose provider is not among them is refused (exit 64).
    ///   - environment: Where the credentials are read from.
    ///   - resolveEndpoint: Where the requests go; the job's named endpoint unless replaced.
    ///   - makeTransport: What sends them; libcurl unless replaced (tests pass a fake).
    ///   - observer: Signals, standard error, metrics and progress.
    ///   - quiet: `--json`: leave out the informational lines.
    public init(
        registry: ProviderRegistry = .standard,
        environment: [String: String],
        resolveEndpoint: @escaping @Sendable (Job, ProviderCredentials) async throws -> RunEndpoint = { job, _ in
            RunEndpoint.named(by: job)
        },
        makeTransport: @escaping @Sendable (Job, LeaseFence) -> RunTransport = {
            RunTransport.curl(job: $0, fence: $1)
        },
        observer: any RunObserver,
        quiet: Bool
    ) {
        self.registry = registry
        self.environment = environment
        self.resolveEndpoint = resolveEndpoint
        self.makeTransport = makeTransport
        self.observer = observer
        self.quiet = quiet
    }

    /// An informational line, left out with `--json`.
    func inform(_ line: String) {
        if !quiet { observer.note(line) }
    }

    /// The `resume` command line for `runID` in the database `db`.
    public static func resumeCommand(runID: String, db: String) -> String {
        "orderbatch resume \(ShellWord.quote(runID)) --db \(ShellWord.quote(db))"
    }

    // MARK: - Lease

    /// Takes the lease for the job and run.
    ///
    /// - Throws: ``RunError/busy(_:)`` (exit 75) naming the holder.
    func acquireLease(store: any RunStore, job: Job, runID: String) throws -> LeaseOwner {
        let owner = self.owner()
        switch try store.acquireLease(jobName: job.name, runID: runID, owner: owner, ttlSeconds: job.leaseTTLSeconds) {
        case .acquired: return owner
        case .heldBy(let holder):
            throw RunError.busy(
                "orderbatch: job \(job.name) is already being executed by \(holder); not starting a second process (exit 75)"
            )
        }
    }

    /// Exit 3 when a signal asked to stop while the run's lease was taken or its rows were being recorded
    /// (between two rows, or after the last one), with a line saying what is left and what to type. The run
    /// keeps its state: none yet (nothing recorded: run the same command again), `ingesting` (rows partly
    /// recorded; `resume` records them all again), or any other (`resume` goes on with it).
    ///
    /// Returns at once, doing nothing, when no signal was received.
    ///
    /// - Parameters:
    ///   - runID: The run, for the message and the `resume` line.
    ///   - store: Where the run's state and counts are read from, for the message.
    ///   - db: The database's path, for the `resume` line.
    ///   - lease: Releases the lease, so that `resume` can start at once; called only when a signal was received.
    /// - Throws: ``RunError/stoppedEarly(_:)`` (exit 3), saying what is left and what to type, when a signal
    ///   was received.
    func stopIfSignalled(runID: String, store: some RunStore, db: String, releasing lease: () -> Void) throws {
        guard let name = observer.signalReceived else { return }
        lease()
        let resume = Self.resumeCommand(runID: runID, db: db)
        let what: String
        switch (try? store.run(id: runID))?.state {
        case nil:
            what = "stopped before anything was recorded or sent; run the same command again"
        case .ingesting?:
            let recorded = (try? store.counts(runID: runID))?.total ?? 0
            what =
                "run \(runID) is left recording its input (\(recorded) rows recorded so far, state ingesting); "
                + "nothing was sent. Record it again and send it: \(resume)"
        case .ready?:
            let recorded = (try? store.counts(runID: runID))?.total ?? 0
            what = "run \(runID) has all \(recorded) rows recorded; nothing was sent. Send it: \(resume)"
        case .some:
            what = "run \(runID): this invocation stopped before sending anything; continue it: \(resume)"
        }
        throw RunError.stoppedEarly("orderbatch: \(name): \(what)")
    }
}
