/// Migration 6 of the SQLite schema: the same facts in about a third of the bytes per row (issue #12).
///
/// - `runs` gets `key INTEGER PRIMARY KEY` (its old rowid: the order of creation is kept, and VACUUM
///   cannot renumber it), and `items` and `attempts` name their run by that key instead of repeating its text id.
/// - `items` is a `WITHOUT ROWID` table keyed by `(run_key, seq)`: the table is its own primary-key index.
/// - A row's input columns and payload are stored by shape (``ItemShape``): the run's shapes once in
///   `item_shapes`, and per row only the input's value strings (`input`, joined by U+001F) with the ids of its
///   input and payload shapes. A row whose texts fit no shape keeps them whole (`input_shape`/`payload_shape`
///   NULL), as every row written before this migration does.
/// - `idempotency_key` is NULL when it is ``IdempotencyKey/make(runID:seq:generation:)`` of the row, which it
///   is for every row this release writes; a key that differs (an older release's) is kept as it was.
/// - A row whose only attempt of its generation was a first send that succeeded keeps that attempt on the row
///   (`sent_at` its start; its latency, status, code and message the row's) rather than in `attempts`: the
///   history queries read both. Any later update of such a row first moves the attempt into `attempts` (the
///   trigger `items_summarized_attempt`), so nothing is lost whatever changes the row.
/// - `items.created_at`, which nothing read, is gone.
enum StoreSchemaCompactItems {
    static let sql = """
        CREATE TABLE runs_v5 (
            key           INTEGER PRIMARY KEY,
            id            TEXT NOT NULL UNIQUE,
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
        INSERT INTO runs_v5 (key, id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                             state, state_reason, created_at, started_at, finished_at, updated_at)
            SELECT rowid, id, job_name, job_path, job_text, provider, input_path, input_sha256, options_json,
                   state, state_reason, created_at, started_at, finished_at, updated_at
            FROM runs;

        CREATE TABLE item_shapes (
            run_key   INTEGER NOT NULL REFERENCES runs (key) ON DELETE CASCADE,
            id        INTEGER NOT NULL,
            template  TEXT NOT NULL,
            PRIMARY KEY (run_key, id)
        ) WITHOUT ROWID;

        CREATE TABLE items_v5 (
            run_key           INTEGER NOT NULL REFERENCES runs (key) ON DELETE CASCADE,
            seq               INTEGER NOT NULL,
            line              INTEGER NOT NULL,
            order_id          TEXT,
            input_shape       INTEGER,
            input             TEXT NOT NULL,
            payload_shape     INTEGER,
            payload           TEXT,
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
            sent_at           REAL,
            updated_at        REAL NOT NULL,
            PRIMARY KEY (run_key, seq),
            CHECK (state = 'invalid' OR (order_id IS NOT NULL AND (payload IS NOT NULL OR payload_shape IS NOT NULL))),
            CHECK (sent_at IS NULL OR state = 'succeeded')
        ) WITHOUT ROWID;
        INSERT INTO items_v5 (run_key, seq, line, order_id, input, payload, state, generation, idempotency_key,
                              attempts, last_http_status, error_code, error_message, validation_error, latency_ms,
                              updated_at)
            SELECT r.key, i.seq, i.line, i.order_id, i.input_json, i.payload, i.state, i.generation,
                   CASE WHEN i.idempotency_key = 'ob-' || i.run_id || '-' || i.seq || '-g' || i.generation
                        THEN NULL ELSE i.idempotency_key END,
                   i.attempts, i.last_http_status, i.error_code, i.error_message, i.validation_error, i.latency_ms,
                   i.updated_at
            FROM items i JOIN runs_v5 r ON r.id = i.run_id;

        CREATE TABLE attempts_v5 (
            id            INTEGER PRIMARY KEY,
            run_key       INTEGER NOT NULL,
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
            FOREIGN KEY (run_key, seq) REFERENCES items (run_key, seq) ON DELETE CASCADE
        );
        INSERT INTO attempts_v5 (id, run_key, seq, generation, attempt, phase, started_at, latency_ms, http_status,
                                 error_code, message, outcome)
            SELECT a.id, r.key, a.seq, a.generation, a.attempt, a.phase, a.started_at, a.latency_ms, a.http_status,
                   a.error_code, a.message, a.outcome
            FROM attempts a JOIN runs_v5 r ON r.id = a.run_id;

        DROP TABLE attempts;
        DROP TABLE items;
        DROP TABLE runs;
        ALTER TABLE runs_v5 RENAME TO runs;
        ALTER TABLE items_v5 RENAME TO items;
        ALTER TABLE attempts_v5 RENAME TO attempts;
        CREATE INDEX runs_by_created ON runs (created_at);
        CREATE INDEX runs_by_job ON runs (job_name, created_at);
        CREATE INDEX runs_by_input ON runs (job_name, input_sha256, state);
        CREATE INDEX items_by_state ON items (run_key, state, seq);
        CREATE INDEX attempts_by_item ON attempts (run_key, seq);

        CREATE TRIGGER items_summarized_attempt BEFORE UPDATE ON items WHEN OLD.sent_at IS NOT NULL
        BEGIN
            INSERT INTO attempts (run_key, seq, generation, attempt, phase, started_at, latency_ms, http_status,
                                  error_code, message, outcome)
            VALUES (OLD.run_key, OLD.seq, OLD.generation, 1, 'send', OLD.sent_at, OLD.latency_ms,
                    OLD.last_http_status, OLD.error_code, OLD.error_message, 'succeeded');
        END;
        """
}
