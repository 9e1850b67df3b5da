/// The SQLite store's schema as an ordered list of migrations. `PRAGMA user_version` holds how many are
/// applied (what an older orderbatch reads to refuse a newer file), and, from version 3, the table
/// `schema_version` holds one row per migration: its number, when it was applied, and what it did.
///
/// Append new migrations; never edit a released one. ``SQLiteRunStore`` applies the missing ones when it
/// opens a database, each in a transaction of its own that also records it, and refuses a database whose
/// version is above ``currentVersion``.
enum StoreSchema {
    /// One step from version `version - 1` to `version`.
    struct Migration {
        let version: Int
        let description: String
        let sql: String
    }

    /// Every migration, in order; `migrations[i].version == i + 1`.
    static let migrations: [Migration] = [
        Migration(version: 1, description: "runs, items, attempts, leases", sql: version1),
        Migration(version: 2, description: "run state canceled", sql: version2),
        Migration(version: 3, description: "schema_version: the migrations applied", sql: version3),
        Migration(
            version: 4, description: "invocations: each run, resume and retry with its pacing flags", sql: version4),
        Migration(
            version: 5, description: "invocations.run_figures: the whole run's request figures at its end",
            sql: version5),
    ]

    /// The version this build writes.
    static var currentVersion: Int { migrations.count }

    /// The first version whose migration is recorded in `schema_version` (the table it creates).
    static let versionTableSince = 3

    /// The history of the schema: one row per migration. Versions 1 and 2 were applied before the table
    /// existed, so their `applied_at` is NULL.
    private static let version3 = """
        CREATE TABLE schema_version (
            version      INTEGER PRIMARY KEY,
            applied_at   REAL,
            description  TEXT NOT NULL
        );
        INSERT INTO schema_version (version, applied_at, description) VALUES
            (1, NULL, 'runs, items, attempts, leases'),
            (2, NULL, 'run state canceled');
        """

    /// Runs, items (one per input row), the attempts log, and leases.
    ///
    /// Timestamps are REAL seconds since 1970 (`datetime(created_at, 'unixepoch')` in the sqlite3 shell).
    /// States are their enum raw values, checked by CHECK constraints so a typo cannot store a state that no
    /// code understands.
    private static let version1 = """
        CREATE TABLE runs (
            id            TEXT PRIMARY KEY NOT NULL,
            job_name      TEXT NOT NULL,
            job_path      TEXT NOT NULL,
            job_text      TEXT NOT NULL,
            provider      TEXT NOT NULL,
            input_path    TEXT NOT NULL,
            input_sha256  TEXT NOT NULL,
            options_json  TEXT NOT NULL,
            state         TEXT NOT NULL CHECK (state IN
                              ('ingesting', 'ready', 'running', 'stopped', 'finished', 'failed_ingest')),
            state_reason  TEXT,
            created_at    REAL NOT NULL,
            started_at    REAL,
            finished_at   REAL,
            updated_at    REAL NOT NULL
        );
        CREATE INDEX runs_by_created ON runs (created_at);
        CREATE INDEX runs_by_job ON runs (job_name, created_at);
        CREATE INDEX runs_by_input ON runs (job_name, input_sha256, state);

        CREATE TABLE items (
            run_id            TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq               INTEGER NOT NULL,
            line              INTEGER NOT NULL,
            order_id          TEXT,
            payload           TEXT,
            input_json        TEXT NOT NULL,
            state             TEXT NOT NULL CHECK (state IN
                                  ('pending', 'in_flight', 'succeeded', 'failed', 'skipped', 'invalid', 'unknown')),
            generation        INTEGER NOT NULL DEFAULT 1,
            idempotency_key   TEXT,
            attempts          INTEGER NOT NULL DEFAULT 0,
            last_http_status  INTEGER,
            error_code        TEXT,
            error_message     TEXT,
            validation_error  TEXT,
            latency_ms        REAL,
            created_at        REAL NOT NULL,
            updated_at        REAL NOT NULL,
            PRIMARY KEY (run_id, seq),
            CHECK (state = 'invalid' OR (order_id IS NOT NULL AND payload IS NOT NULL
                                         AND idempotency_key IS NOT NULL))
        );
        CREATE INDEX items_by_state ON items (run_id, state, seq);

        CREATE TABLE attempts (
            id            INTEGER PRIMARY KEY,
            run_id        TEXT NOT NULL,
            seq           INTEGER NOT NULL,
            generation    INTEGER NOT NULL,
            attempt       INTEGER NOT NULL,
            phase         TEXT NOT NULL CHECK (phase IN ('send', 'preflight', 'reconcile')),
            started_at    REAL NOT NULL,
            latency_ms    REAL,
            http_status   INTEGER,
            error_code    TEXT,
            message       TEXT,
            outcome       TEXT NOT NULL,
            FOREIGN KEY (run_id, seq) REFERENCES items (run_id, seq) ON DELETE CASCADE
        );
        CREATE INDEX attempts_by_item ON attempts (run_id, seq);

        CREATE TABLE leases (
            scope         TEXT NOT NULL CHECK (scope IN ('job', 'run')),
            name          TEXT NOT NULL,
            run_id        TEXT NOT NULL,
            token         TEXT NOT NULL,
            pid           INTEGER NOT NULL,
            host          TEXT NOT NULL,
            acquired_at   REAL NOT NULL,
            heartbeat_at  REAL NOT NULL,
            PRIMARY KEY (scope, name)
        );
        """

    /// Adds the run state `canceled` to the CHECK constraint of `runs.state`.
    ///
    /// SQLite cannot alter a constraint, so the table is rebuilt as its documentation describes
    /// (<https://www.sqlite.org/lang_altertable.html#otheralter>): foreign keys are off while this runs
    /// (``SQLiteRunStore`` switches them off around migrations), so dropping the old table does not cascade
    /// into `items`, whose references then name the new table.
    private static let version2 = """
        CREATE TABLE runs_v2 (
            id            TEXT PRIMARY KEY NOT NULL,
            job_name      TEXT NOT NULL,
            job_path      TEXT NOT NULL,
            job_text      TEXT NOT NULL,
            provider      TEXT NOT NULL,
            input_path    TEXT NOT NULL,
            input_sha256  TEXT NOT NULL,
            options_json  TEXT NOT NULL,
            state         TEXT NOT NULL CHECK (state IN
                              ('ingesting', 'ready', 'running', 'stopped', 'finished', 'failed_ingest', 'canceled')),
            state_reason  TEXT,
            created_at    REAL NOT NULL,
            started_at    REAL,
            finished_at   REAL,
            updated_at    REAL NOT NULL
        );
        INSERT INTO runs_v2 (rowid, id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                             state, state_reason, created_at, started_at, finished_at, updated_at)
            SELECT rowid, id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                   state, state_reason, created_at, started_at, finished_at, updated_at
            FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v2 RENAME TO runs;
        CREATE INDEX runs_by_created ON runs (created_at);
        CREATE INDEX runs_by_job ON runs (job_name, created_at);
        CREATE INDEX runs_by_input ON runs (job_name, input_sha256, state);
        """

    /// Adds `invocations`: one row per `run`, `resume` or `retry` that took the run's lease to send it, with
    /// the pacing flags it was given (`--concurrency`, `--rate`, `--max-failures`, `--deadline`) as a JSON
    /// object (``RunOverrides``, only the keys given; `{}` for none). `status` lists them.
    private static let version4 = """
        CREATE TABLE invocations (
            id            INTEGER PRIMARY KEY,
            run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            command       TEXT NOT NULL CHECK (command IN ('run', 'resume', 'retry')),
            started_at    REAL NOT NULL,
            options_json  TEXT NOT NULL
        );
        CREATE INDEX invocations_by_run ON invocations (run_id, id);
        """

    /// The whole run's request figures (``RequestFigures`` as JSON) through the end of each invocation, written
    /// when it ends: the next one adds its own to them instead of reading the whole attempts log back. NULL
    /// for an invocation that did not end (killed) or was recorded by an older release: the next one then
    /// reads the log once and writes the figures again.
    private static let version5 = """
        ALTER TABLE invocations ADD COLUMN run_figures TEXT;
        """
}
