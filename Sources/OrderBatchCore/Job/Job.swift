/// A job file, parsed and checked: what to send, where, and within which limits.
///
/// Secrets never live here: ``credentials`` names the environment variables that hold them.
public struct Job: Sendable, Equatable {
    /// Per-attempt, per-row and per-run time limits, in milliseconds.
    public struct Timeouts: Sendable, Equatable {
        /// One HTTP exchange; the provider's default is ``ProviderDefaults/requestTimeout``.
        public var request: Int64
        /// A row from its first attempt to its last: no attempt starts that cannot end inside it.
        public var item: Int64
        /// The whole run; nil for none. Past it, dispatch stops and the run exits 3 (resumable).
        public var run: Int64?

        public init(request: Int64, item: Int64, run: Int64?) {
            self.request = request
            self.item = item
            self.run = run
        }
    }

    /// Retry policy for retryable outcomes.
    public struct Retry: Sendable, Equatable {
        /// Attempts per row, the first included.
        public var maxAttempts: Int
        /// Full-jitter exponential backoff: a wait drawn from 0…min(max, base·2^n).
        public var backoffBase: Int64
        public var backoffMax: Int64
        /// Retries may not exceed this fraction of first attempts (plus a small floor), so an
        /// outage does not become a retry storm.
        public var budget: Double

        public init(maxAttempts: Int, backoffBase: Int64, backoffMax: Int64, budget: Double) {
            self.maxAttempts = maxAttempts
            self.backoffBase = backoffBase
            self.backoffMax = backoffMax
            self.budget = budget
        }
    }

    /// How the built-in emulator behaves for an `endpoint: emulator` job (the `emulator:` section):
    /// the same switches as `orderbatch emulator`, so a job can rehearse slow or failing providers.
    public struct EmulatorSettings: Sendable, Equatable {
        /// A JSONL file of orders to start with, resolved against the job's directory.
        public var orders: String?
        /// `none` or `juspay` (Juspay's published latency percentiles).
        public var latency = "none"
        /// The share of requests answered with ``failWith``, 0…1.
        public var failRate = 0.0
        /// `503`, `429`, `reset` or `hang`.
        public var failWith = "503"
        /// Seeds fault injection and latency: the same seed, the same faults.
        public var seed: UInt64 = 1
        /// Rapyd's rate-limit windows enforced (429 past them).
        public var rateLimits = true
        /// Rapyd idempotency replay switched on, as on an account that has it.
        public var idempotency = true
        /// `create` (orders unknown to the emulator are created on first use) or `not-found`.
        public var unknownOrders = "create"
        /// Refuse every request with the provider's 401 after this many applied updates; `nil` never.
        public var revokeAfter: Int?
        /// `none`, `updates`, `reads` or `both`: which 2xx answers come back unreadable.
        public var garble = "none"
        /// Pad every answer to this many MiB; 0 for none.
        public var padMB = 0

        public init() {}
    }

    /// The job file's path as given, and its directory (relative paths resolve against it).
    public var path: String
    public var directory: String
    /// The job file's text, recorded with each run (it holds no secrets).
    public var text: String

    public var name: String
    public var provider: ProviderKind
    public var endpoint: Endpoint
    /// The input file, resolved against the job's directory; nil when the job names none
    /// (then `--input` is required).
    public var input: String?
    public var format: InputFormat?
    /// The SQLite state file, resolved against the job's directory.
    public var state: String
    public var concurrency: Int
    /// Every window the provider enforces; empty for none.
    public var rateLimit: [RateWindow]
    public var timeouts: Timeouts
    public var retry: Retry
    /// The circuit breaker (`breaker.consecutive_failures`).
    public var breaker: ExecutorPolicy.Breaker
    /// `max_failures`: permanent failures past it stop the run (exit 3); nil for no limit.
    public var maxFailures: ExecutorPolicy.FailureLimit?
    /// Read each order's status before updating it, and apply the status rules.
    public var preflight: Bool
    /// The provider's own job-file settings, read by its ``ProviderModule``.
    public var providerSettings: ProviderSettings
    public var credentials: CredentialNames
    /// The in-process emulator's behaviour; used only with `endpoint: emulator`.
    public var emulator = EmulatorSettings()
    /// `lease_ttl` in milliseconds: how long a process's lease on the job and run outlives its last
    /// heartbeat before another process may take the run over (heartbeats every twelfth of it, at
    /// most 5 s; requests stop a third of it after the last renewal). Default 60 s.
    public var leaseTTL: Int64 = Job.defaultLeaseTTL

    /// ``leaseTTL`` in seconds.
    public var leaseTTLSeconds: Double { Double(leaseTTL) / 1000 }

    /// The default `lease_ttl`: 60 s.
    public static let defaultLeaseTTL = Int64(LeaseHolder.defaultTTLSeconds * 1000)

    /// `rate_limit_scope`: what the `rate_limit` windows count when the state is in PostgreSQL; nil when the
    /// job does not say (``RateLimitScope/default``). Ignored, with a note, with a SQLite state file.
    public var rateLimitScope: RateLimitScope?

    /// `rate_limit_pause` in milliseconds: with a shared rate limit, how long every worker pauses after a 429
    /// that carries no `Retry-After` (the providers do not document one). Default 60 s.
    public var rateLimitPause: Int64 = Job.defaultRateLimitPause

    /// The default `rate_limit_pause`: 60 s, the length of the shortest window a provider documents blocking
    /// for (Rapyd: until the minute ends).
    public static let defaultRateLimitPause: Int64 = 60_000

    /// What `run` does while an older run of the job is unfinished (`unfinished_runs`, default refuse).
    public var unfinishedRuns = UnfinishedRunsPolicy.refuse

    /// The input format: the job's `format`, else the input file's extension.
    public func inputFormat(for inputPath: String) -> InputFormat? {
        format ?? InputFormat.fromExtension(path: inputPath)
    }
}
