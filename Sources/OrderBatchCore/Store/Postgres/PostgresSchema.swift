/// The PostgreSQL store's schema as an ordered list of migrations; the table `schema_version` holds one
/// row per migration applied (its number, when, and what it did).
///
/// Append new migrations; never edit a released one. ``PostgresRunStore`` applies the missing ones at open,
/// each in a transaction of its own under an advisory lock (so two workers starting at once migrate once),
/// and refuses a database whose version is above ``currentVersion``. Tables live in the connection's
/// current schema (`search_path`; `?options=-csearch_path%3DNAME` in the URL picks another).
///
/// Timestamps are `timestamptz` written from the server's clock (`now()`), so that every worker, on any
/// host, compares heartbeats and claims in one time.
enum PostgresSchema {
    /// One step from version `version - 1` to `version`.
    struct Migration {
        let version: Int
        let description: String
        let sql: String
    }

    /// Every migration, in order; `migrations[i].version == i + 1`.
    static let migrations: [Migration] = [
        Migration(
            version: 1, description: "runs, items (claimed by a worker), attempts, leases", sql: version1),
        Migration(version: 2, description: "workers: one lease row per worker of a run", sql: version2),
        Migration(
            version: 3, description: "invocations: each run, resume and retry with its pacing flags", sql: version3),
        Migration(
            version: 4, description: "one rate limit across workers and jobs: scopes, slots, take and 429 functions",
            sql: rateLimitSQL),
        Migration(version: 5, description: "items_claimable: the claim's rows in seq order", sql: version5),
        Migration(
            version: 6, description: "runs.rate_limit_scope: the shared rate limit a run draws on", sql: version6),
    ]

    /// The version this build writes.
    static var currentVersion: Int { migrations.count }

    /// Creates `schema_version` when missing (the first statement of every migration transaction).
    static let versionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version      integer PRIMARY KEY,
            applied_at   timestamptz NOT NULL DEFAULT now(),
            description  text NOT NULL
        )
        """

    /// Runs, items (one per input row, each stamped with the worker that claimed it and when), the
    /// attempts log, and leases. The same tables and states as the SQLite store's version 2.
    private static let version1 = """
        CREATE TABLE runs (
            id            text PRIMARY KEY,
            ord           bigint GENERATED ALWAYS AS IDENTITY,
            job_name      text NOT NULL,
            job_path      text NOT NULL,
            job_text      text NOT NULL,
            provider      text NOT NULL,
            input_path    text NOT NULL,
            input_sha256  text NOT NULL,
            options_json  text NOT NULL,
            state         text NOT NULL CHECK (state IN
                              ('ingesting', 'ready', 'running', 'stopped', 'finished', 'failed_ingest', 'canceled')),
            state_reason  text,
            created_at    timestamptz NOT NULL,
            started_at    timestamptz,
            finished_at   timestamptz,
            updated_at    timestamptz NOT NULL
        );
        CREATE INDEX runs_by_created ON runs (created_at, ord);
        CREATE INDEX runs_by_job ON runs (job_name, created_at, ord);
        CREATE INDEX runs_by_input ON runs (job_name, input_sha256, state);

        CREATE TABLE items (
            run_id            text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq               bigint NOT NULL,
            line              bigint NOT NULL,
            order_id          text,
            payload           text,
            input_json        text NOT NULL,
            state             text NOT NULL CHECK (state IN
                                  ('pending', 'in_flight', 'succeeded', 'failed', 'skipped', 'invalid', 'unknown')),
            generation        integer NOT NULL DEFAULT 1,
            idempotency_key   text,
            attempts          integer NOT NULL DEFAULT 0,
            last_http_status  integer,
            error_code        text,
            error_message     text,
            validation_error  text,
            latency_ms        double precision,
            claimed_by        text,
            claimed_at        timestamptz,
            created_at        timestamptz NOT NULL,
            updated_at        timestamptz NOT NULL,
            PRIMARY KEY (run_id, seq),
            CHECK (state = 'invalid' OR (order_id IS NOT NULL AND payload IS NOT NULL
                                         AND idempotency_key IS NOT NULL))
        );
        CREATE INDEX items_by_state ON items (run_id, state, seq);

        CREATE TABLE attempts (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id        text NOT NULL,
            seq           bigint NOT NULL,
            generation    integer NOT NULL,
            attempt       integer NOT NULL,
            phase         text NOT NULL CHECK (phase IN ('send', 'preflight', 'reconcile')),
            started_at    timestamptz NOT NULL,
            latency_ms    double precision,
            http_status   integer,
            error_code    text,
            message       text,
            outcome       text NOT NULL,
            FOREIGN KEY (run_id, seq) REFERENCES items (run_id, seq) ON DELETE CASCADE
        );
        CREATE INDEX attempts_by_item ON attempts (run_id, seq);

        CREATE TABLE leases (
            scope         text NOT NULL CHECK (scope IN ('job', 'run')),
            name          text NOT NULL,
            run_id        text NOT NULL,
            token         text NOT NULL,
            pid           integer NOT NULL,
            host          text NOT NULL,
            acquired_at   timestamptz NOT NULL,
            heartbeat_at  timestamptz NOT NULL,
            PRIMARY KEY (scope, name)
        );
        """

    /// Several workers per run: each holds a row of its own (its heartbeat in the server's time, the rows it
    /// claimed), and the job's and run's leases are read from these rows rather than from `leases`.
    private static let version2 = """
        CREATE TABLE workers (
            worker_id     text PRIMARY KEY,
            run_id        text NOT NULL,
            job_name      text NOT NULL,
            host          text NOT NULL,
            pid           integer NOT NULL,
            ttl_seconds   double precision NOT NULL,
            started_at    timestamptz NOT NULL,
            heartbeat_at  timestamptz NOT NULL,
            rows_claimed  bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX workers_by_job ON workers (job_name);
        CREATE INDEX workers_by_run ON workers (run_id);
        DROP TABLE leases;
        """

    /// One row per `run`, `resume` or `retry` that took the run's lease to send it, with the pacing flags it
    /// was given (the SQLite store's version 4).
    private static let version3 = """
        CREATE TABLE invocations (
            id            bigserial PRIMARY KEY,
            run_id        text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            command       text NOT NULL CHECK (command IN ('run', 'resume', 'retry')),
            started_at    timestamptz NOT NULL,
            options_json  text NOT NULL
        );
        CREATE INDEX invocations_by_run ON invocations (run_id, id);
        """

    /// The rows a claim may take, in `seq` order, in an index of their own: the claim reads the lowest few
    /// past a seq and stops (with `items_by_state` it read every pending row of the run and sorted them, a
    /// cost that grew with the rows left). Rows leave it as they are claimed.
    private static let version5 = """
        CREATE INDEX items_claimable ON items (run_id, seq) WHERE state IN ('pending', 'unknown');
        """

    /// The key of the shared rate limit (``PostgresRateTokens``) the run's workers last drew on, for `status`:
    /// only the process that sends knows it (an account's identity may be a hash of a credential `status`
    /// never reads). NULL until a worker with `rate_limit` windows starts, and for runs without windows.
    private static let version6 = """
        ALTER TABLE runs ADD COLUMN rate_limit_scope text;
        """
}
