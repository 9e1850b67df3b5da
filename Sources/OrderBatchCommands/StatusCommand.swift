import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch status [RUN_ID] [--db FILE] [--job JOB] [--json] [--limit N]`: one run in detail, or a table
    /// of the recent runs. Reads the state database only.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one run in detail, or a table of the recent runs. Changes nothing.",
            discussion: """
                Without RUN_ID: the most recent runs, newest first, one line each (LEFT counts the rows \
                still pending, in flight or unknown). With RUN_ID: the run's job, provider, input, state, \
                timestamps and row counts, each invocation (run, resume, retry) with the pacing flags it was given \
                and the pace of the latest, then the commands that would continue it.

                --json prints one object per run: {"run_id", "job", "provider", "state", "reason", \
                "created_at", "started_at", "finished_at", "input", "input_sha256", "process", "counts": {"total", \
                "succeeded", "failed", "skipped", "invalid", "pending", "in_flight", "unknown"}, "invocations", \
                "pace"}, and for the list a JSON array of them. "invocations" lists each run, resume and retry \
                that took the run's lease to send it, oldest first: {"command", "started_at", "overrides"}, \
                "overrides" holding the pacing flags it was given ("concurrency", "rate", "max_failures", \
                "deadline"); "pace" is the latest one's {"concurrency", "rate", "max_failures", "deadline"} \
                ("none" for no limit), or null. One run also has "endpoint" and "rate_limit", and "whole_run": \
                null unless --figures asks for the whole run's request figures (read from every recorded attempt: \
                seconds for a run of a million rows). Timestamps are ISO 8601 UTC or null; "reason" is null unless \
                the run stopped early. "process" is null unless the state is "running" or "ingesting": then {"pid", \
                "host", "heartbeat_at", "live"}, and "live": false means the process was killed or crashed (resume \
                it; a run killed while "ingesting" sent nothing, and resume records its input again). \
                With a PostgreSQL database the object also has "workers": every process working on the run \
                ({"pid", "host", "heartbeat_age_seconds", "rows_claimed", "live"}, the age by the database's \
                clock), and the text lists the live ones; one run also has "rate_limit_scope": the shared rate \
                limit its workers draw on ({"scope": "account" or "run", "key", "share" of the limits allowed now, \
                "paused_seconds" left of the pause after a 429 or null, "rate_limited", "granted"}), null when it \
                draws on none. "pending", "in_flight" and "unknown" are kept apart: rows in "unknown" may have reached the \
                provider and are reconciled before being sent again.

                --watch shows RUN_ID every --interval (default 2s) until no process is at work on it: on a \
                terminal the screen is redrawn; otherwise each refresh is a block of its own after a blank line \
                (with --json, one object per line). It then exits with the code the run ended with, as `run` \
                would have: 0 every row succeeded, 1 finished with rows failed or skipped, 2 never started or \
                canceled, 3 stopped or left by a process that died (resume it).

                The state database is --db FILE, or the `state:` file of --job JOB; it must exist.
                Exit status: 0 shown; 64 usage error, missing database or unknown run id; with --watch, the \
                run's own code (0, 1, 2, 3).
                """)

        /// The run to show; all recent runs when absent.
        @Argument(help: "The run to show in detail; without it, a table of recent runs.")
        var runID: String?

        @OptionGroup var store: StoreSelection

        /// Print JSON instead of text.
        @Flag(help: "Print JSON: an object for one run, an array for the list.")
        var json = false

        /// How many runs the list shows.
        // `.unconditional`: `--limit -1` reaches `validate()`, which says what is wrong, rather than being
        // taken for an option ("Missing value").
        @Option(parsing: .unconditional, help: "How many recent runs to list (a positive number).")
        var limit = 20

        /// Add the whole run's request figures, read from the attempts log.
        @Flag(
            help: """
                With RUN_ID: add the whole run's request figures (requests by phase, latency percentiles, errors, \
                429s, rates), read from every recorded attempt: seconds for a run of a million rows.
                """)
        var figures = false

        /// Refresh until the run ends.
        @Flag(help: "Show RUN_ID again and again until no process is at work on it; exit with the code it ended with.")
        var watch = false

        /// Seconds between two refreshes of `--watch`.
        @Option(
            help: ArgumentHelp("Time between two refreshes of --watch (e.g. 2s, 500ms, 1m).", valueName: "duration"))
        var interval = "2s"

        func validate() throws {
            guard limit > 0 else {
                throw ValidationError("--limit must be a positive number of runs (1 or more), got \(limit)")
            }
            if watch && runID == nil {
                throw ValidationError("--watch needs the RUN_ID to watch (`orderbatch status` lists the runs)")
            }
            guard let ms = DurationText.milliseconds(interval), ms >= 100, ms <= 3_600_000 else {
                throw ValidationError("--interval must be a duration from 100ms to 1h, such as 2s (got \(interval))")
            }
        }

        func run() throws {
            let (store, path) = try self.store.openExisting()
            defer { try? store.close() }
            // Counts a damaged file would get wrong are never shown: each run's are checked (exit 74).
            func counts(_ run: RunRecord) throws -> RunCounts {
                try DatabaseCheck.readingDamage(path: path) {
                    try DatabaseCheck.requireConsistent(store, runID: run.id, path: path)
                    return try store.counts(runID: run.id)
                }
            }
            if let runID, watch {
                let seconds = Double(DurationText.milliseconds(interval) ?? 2000) / 1000
                let ending = try Self.watch(
                    runID: runID, store: store, path: path, interval: interval, intervalSeconds: seconds, json: json)
                if ending != .success { throw RunError(ending, "") }
            } else if let runID {
                let run = try StoreSelection.requireRun(runID, in: store, path: path)
                let counts = try counts(run)
                let process = try Self.process(of: run, in: store)
                let story = try DatabaseCheck.readingDamage(path: path) {
                    try Self.story(of: run, counts: counts, in: store, path: path, figures: figures)
                }
                // PostgreSQL: every worker of the run (SQLite has one process, shown as `process`).
                let workers = store.supportsWorkers ? try store.workers(runID: run.id) : nil
                let shared = try Self.sharedRateLimit(runID: run.id, in: store)
                let invocations = try store.invocations(runID: run.id)
                print(
                    json
                        ? Self.json(
                            run, counts, process, invocations: invocations, story: story, workers: workers,
                            sharedRate: (shared, store is PostgresRunStore))
                        : Self.detail(
                            run, counts, process, databasePath: path, invocations: invocations, story: story,
                            workers: workers, sharedRate: shared))
            } else {
                let runs = try DatabaseCheck.readingDamage(path: path) { try store.recentRuns(limit: limit) }.map {
                    ($0, try counts($0), try Self.process(of: $0, in: store))
                }
                if json {
                    let objects = try runs.map {
                        Self.json($0.0, $0.1, $0.2, invocations: try store.invocations(runID: $0.0.id))
                    }
                    print("[" + objects.joined(separator: ",") + "]")
                } else if runs.isEmpty {
                    print("no runs in \(path)")
                } else {
                    print(Self.table(runs))
                }
            }
        }

        /// The process a `running` or `ingesting` run's lease names, and whether it is still alive.
        struct Process {
            var holder: LeaseHolder
            var isLive: Bool
        }

        /// For a `running` or `ingesting` run: its lease, live or not (nil when it left none, as a process
        /// killed before taking it); nil for any other state.
        static func process(of run: RunRecord, in store: some RunStore) throws -> Process? {
            guard run.state == .running || run.state == .ingesting, let holder = try store.runLease(runID: run.id)
            else { return nil }
            return Process(holder: holder, isLive: holder.isLive(now: Date()))
        }

        // MARK: - Text

        /// The list: one aligned line per run under a header; numbers right-aligned.
        static func table(_ runs: [(RunRecord, RunCounts, Process?)]) -> String {
            let header = [
                "RUN", "JOB", "STATE", "CREATED", "TOTAL", "SUCCEEDED", "FAILED", "SKIPPED", "INVALID", "LEFT",
            ]
            let rows = runs.map { run, counts, process in
                [
                    run.id, run.jobName, stateText(run, process), timestamp(run.createdAt), String(counts.total),
                    String(counts.succeeded), String(counts.failed), String(counts.skipped), String(counts.invalid),
                    String(counts.remaining),
                ]
            }
            let numeric = 4
            var widths = header.map(\.count)
            for row in rows {
                for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
            }
            return ([header] + rows).map { cells in
                cells.enumerated().map { index, cell in
                    let padding = String(repeating: " ", count: widths[index] - cell.count)
                    return index >= numeric ? padding + cell : cell + padding
                }.joined(separator: "  ").replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
            }.joined(separator: "\n")
        }

        /// One run, a `name  value` line per fact, then the commands that would continue it.
        static func detail(
            _ run: RunRecord, _ counts: RunCounts, _ process: Process?, databasePath: String,
            invocations: [InvocationRecord] = [], story: RunStory? = nil, workers: [RunWorker]? = nil,
            sharedRate: SharedRateLimit? = nil
        ) -> String {
            var lines: [(String, String)] = [
                ("run", run.id),
                ("job", "\(run.jobName) (\(run.jobPath))"),
                ("provider", run.provider),
                ("input", run.inputPath),
                ("input sha256", run.inputSHA256),
                ("state", stateText(run, process)),
                ("created", timestamp(run.createdAt)),
                ("started", run.startedAt.map(timestamp) ?? "-"),
                ("finished", run.finishedAt.map(timestamp) ?? "-"),
                ("rows", "\(counts.total) total"),
            ]
            lines += counts.byState.map { state, count in
                state == ItemState.inFlight.rawValue
                    ? (
                        "  claimed",
                        claimedText(
                            count, run: run, process: process, path: databasePath,
                            liveWorkers: workers?.filter(\.isLive).count ?? 0)
                    )
                    : ("  " + state, String(count))
            }
            lines += workerLines(workers)
            lines += rateLimitScopeLines(sharedRate)
            lines += invocationLines(run, invocations)
            lines += detailPairs(story)
            let next = nextCommands(run, counts, process, databasePath: databasePath)
            for (index, command) in next.enumerated() { lines.append((index == 0 ? "next" : "", command)) }
            let width = lines.map(\.0.count).max() ?? 0
            return lines.map { name, value in
                name + String(repeating: " ", count: width - name.count) + "  " + value
            }.joined(separator: "\n")
        }

        /// What to type next: `resume` for a run that can go on, `retry` and a report of the failed rows when
        /// some failed.
        static func nextCommands(
            _ run: RunRecord, _ counts: RunCounts, _ process: Process?, databasePath: String
        )
            -> [String]
        {
            let id = ShellWord.quote(run.id)
            let db = "--db " + ShellWord.quote(databasePath)
            var commands: [String] = []
            switch run.state {
            case .stopped, .ready:
                commands.append("orderbatch resume \(id) \(db)")
            case .running, .ingesting:
                if process?.isLive != true { commands.append("orderbatch resume \(id) \(db)") }
            case .finished, .failedIngest, .canceled:
                break
            }
            if counts.failed > 0 && run.state != .canceled {
                commands.append("orderbatch retry \(id) \(db)")
                commands.append("orderbatch report \(id) \(db) --state failed")
            }
            if run.state == .failedIngest && counts.invalid > 0 {
                commands.append("orderbatch report \(id) \(db) --state invalid")
            }
            return commands
        }

        /// `stopped (deadline)`, `running (pid 42 on host h)`, `running (no live process: …)`, or the state alone.
        static func stateText(_ run: RunRecord, _ process: Process?) -> String {
            if run.state == .running || run.state == .ingesting {
                guard let process, process.isLive else {
                    return run.state == .running
                        ? "running (no live process: killed or crashed; resume it)"
                        : "ingesting (no live process: interrupted while recording its input, nothing sent; resume it)"
                }
                return "\(run.state.rawValue) (pid \(process.holder.pid) on host \(process.holder.host))"
            }
            guard let reason = run.stateReason, !reason.isEmpty else { return run.state.rawValue }
            return "\(run.state.rawValue) (\(reason))"
        }

        /// ISO 8601 in UTC, to the second: `2026-11-23T10:41:13Z`.
        static func timestamp(_ date: Date) -> String {
            date.formatted(.iso8601)
        }

        // MARK: - JSON

        /// The run as the documented JSON object.
        static func json(
            _ run: RunRecord, _ counts: RunCounts, _ process: Process?, invocations: [InvocationRecord] = [],
            story: RunStory? = nil, workers: [RunWorker]? = nil,
            sharedRate: (SharedRateLimit?, isPostgres: Bool) = (nil, false)
        ) -> String {
            func optional(_ date: Date?) -> JSONValue { date.map { .string(timestamp($0)) } ?? .null }
            func number(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
            let object: JSONValue = .object(
                [
                    ("run_id", .string(run.id)),
                    ("job", .string(run.jobName)),
                    ("provider", .string(run.provider)),
                    ("state", .string(run.state.rawValue)),
                    ("reason", run.stateReason.map { .string($0) } ?? .null),
                    ("created_at", .string(timestamp(run.createdAt))),
                    ("started_at", optional(run.startedAt)),
                    ("finished_at", optional(run.finishedAt)),
                    ("input", .string(run.inputPath)),
                    ("input_sha256", .string(run.inputSHA256)),
                    (
                        "process",
                        process.map {
                            .object([
                                ("pid", number(Int($0.holder.pid))), ("host", .string($0.holder.host)),
                                ("heartbeat_at", .string(timestamp($0.holder.heartbeatAt))), ("live", .bool($0.isLive)),
                            ])
                        } ?? .null
                    ),
                    (
                        "counts",
                        .object([("total", number(counts.total))] + counts.byState.map { ($0.state, number($0.count)) })
                    ),
                ] + workersMember(workers) + rateLimitScopeMember(sharedRate.0, isPostgres: sharedRate.isPostgres)
                    + invocationMembers(run, invocations)
                    + (story?.jsonMembers.filter { $0.key != "invocation" } ?? []))
            return object.compactText
        }
    }
}
