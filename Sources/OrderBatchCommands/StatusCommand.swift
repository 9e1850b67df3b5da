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
                timestamps and row counts, then the commands that would continue it.

                --json prints one object per run: {"run_id", "job", "provider", "state", "reason", \
                "created_at", "started_at", "finished_at", "input", "input_sha256", "counts": {"total", \
                "succeeded", "failed", "skipped", "invalid", "pending", "in_flight", "unknown"}}, and for \
                the list a JSON array of them. Timestamps are ISO 8601 UTC or null; "reason" is null unless \
                the run stopped early. "pending", "in_flight" and "unknown" are kept apart: rows in \
                "unknown" may have reached the provider and are reconciled before being sent again.

                The state database is --db FILE, or the `state:` file of --job JOB; it must exist.
                Exit status: 0 shown; 64 usage error, missing database or unknown run id.
                """)

        /// The run to show; all recent runs when absent.
        @Argument(help: "The run to show in detail; without it, a table of recent runs.")
        var runID: String?

        @OptionGroup var store: StoreSelection

        /// Print JSON instead of text.
        @Flag(help: "Print JSON: an object for one run, an array for the list.")
        var json = false

        /// How many runs the list shows.
        @Option(help: "How many recent runs to list.")
        var limit = 20

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be 1 or more, got \(limit)") }
        }

        func run() throws {
            let (store, path) = try self.store.openExisting()
            defer { try? store.close() }
            if let runID {
                let run = try StoreSelection.requireRun(runID, in: store, path: path)
                let counts = try store.counts(runID: run.id)
                print(json ? Self.json(run, counts) : Self.detail(run, counts, databasePath: path))
            } else {
                let runs = try store.recentRuns(limit: limit).map { ($0, try store.counts(runID: $0.id)) }
                if json {
                    print("[" + runs.map { Self.json($0.0, $0.1) }.joined(separator: ",") + "]")
                } else if runs.isEmpty {
                    print("no runs in \(path)")
                } else {
                    print(Self.table(runs))
                }
            }
        }

        // MARK: - Text

        /// The list: one aligned line per run under a header; numbers right-aligned.
        static func table(_ runs: [(RunRecord, RunCounts)]) -> String {
            let header = ["RUN", "JOB", "STATE", "CREATED", "TOTAL", "SUCCEEDED", "FAILED", "SKIPPED", "INVALID", "LEFT"]
            let rows = runs.map { run, counts in
                [
                    run.id, run.jobName, stateText(run), timestamp(run.createdAt), String(counts.total),
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
        static func detail(_ run: RunRecord, _ counts: RunCounts, databasePath: String) -> String {
            var lines: [(String, String)] = [
                ("run", run.id),
                ("job", "\(run.jobName) (\(run.jobPath))"),
                ("provider", run.provider),
                ("input", run.inputPath),
                ("input sha256", run.inputSHA256),
                ("state", stateText(run)),
                ("created", timestamp(run.createdAt)),
                ("started", run.startedAt.map(timestamp) ?? "-"),
                ("finished", run.finishedAt.map(timestamp) ?? "-"),
                ("rows", "\(counts.total) total"),
                ("  succeeded", String(counts.succeeded)),
                ("  failed", String(counts.failed)),
                ("  skipped", String(counts.skipped)),
                ("  invalid", String(counts.invalid)),
                ("  pending", String(counts.pending)),
                ("  in flight", String(counts.inFlight)),
                ("  unknown", String(counts.unknown)),
            ]
            let next = nextCommands(run, counts, databasePath: databasePath)
            for (index, command) in next.enumerated() { lines.append((index == 0 ? "next" : "", command)) }
            let width = lines.map(\.0.count).max() ?? 0
            return lines.map { name, value in
                name + String(repeating: " ", count: width - name.count) + "  " + value
            }.joined(separator: "\n")
        }

        /// What to type next: `resume` for a run that can go on, `retry` and a report of the failed rows when
        /// some failed.
        static func nextCommands(_ run: RunRecord, _ counts: RunCounts, databasePath: String) -> [String] {
            let id = ShellWord.quote(run.id)
            let db = "--db " + ShellWord.quote(databasePath)
            var commands: [String] = []
            switch run.state {
            case .stopped, .ready:
                commands.append("orderbatch resume \(id) \(db)")
            case .running:
                commands.append("orderbatch resume \(id) \(db)   (if no process is executing it any more)")
            case .ingesting, .finished, .failedIngest:
                break
            }
            if counts.failed > 0 {
                commands.append("orderbatch retry \(id) \(db)")
                commands.append("orderbatch report \(id) \(db) --state failed")
            }
            if run.state == .failedIngest && counts.invalid > 0 {
                commands.append("orderbatch report \(id) \(db) --state invalid")
            }
            return commands
        }

        /// `stopped (deadline)`, or the state alone when there is no reason.
        static func stateText(_ run: RunRecord) -> String {
            guard let reason = run.stateReason, !reason.isEmpty else { return run.state.rawValue }
            return "\(run.state.rawValue) (\(reason))"
        }

        /// ISO 8601 in UTC, to the second: `2026-11-23T10:41:13Z`.
        static func timestamp(_ date: Date) -> String {
            date.formatted(.iso8601)
        }

        // MARK: - JSON

        /// The run as the documented JSON object.
        static func json(_ run: RunRecord, _ counts: RunCounts) -> String {
            func optional(_ date: Date?) -> JSONValue { date.map { .string(timestamp($0)) } ?? .null }
            func number(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
            let object: JSONValue = .object([
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
                    "counts",
                    .object([
                        ("total", number(counts.total)),
                        ("succeeded", number(counts.succeeded)),
                        ("failed", number(counts.failed)),
                        ("skipped", number(counts.skipped)),
                        ("invalid", number(counts.invalid)),
                        ("pending", number(counts.pending)),
                        ("in_flight", number(counts.inFlight)),
                        ("unknown", number(counts.unknown)),
                    ])
                ),
            ])
            return object.compactText
        }
    }
}
