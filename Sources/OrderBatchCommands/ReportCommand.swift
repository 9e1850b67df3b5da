import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch report RUN_ID [--db FILE] [--job JOB] [--state STATE …] [--format csv|jsonl] [--output FILE]`:
    /// the rows of a run in some states, every input column plus the outcome columns, streamed from the store.
    struct Report: ParsableCommand {
        /// The states reported when no `--state` is given: every row that needs an operator's eye.
        static let defaultStates: [ItemState] = [.failed, .unknown, .skipped, .invalid]

        static let configuration = CommandConfiguration(
            abstract: "Write the rows of a run in some states, with their outcome, as CSV or JSONL. Changes nothing.",
            discussion: """
                Each row echoes every input column of the row, then ob_input_line, ob_state, ob_http_status, \
                ob_error_code, ob_error_message and ob_attempts. Validation ignores ob_ columns, so a report \
                of failed rows can be fixed up and fed straight back as input (orderbatch run JOB --input FILE).

                --state takes pending, in_flight, succeeded, failed, skipped, invalid, unknown, or all; \
                repeat it or separate states with commas. Default: failed,unknown,skipped,invalid (every \
                row that did not succeed and is not waiting to be sent). Rows come in input order.

                CSV: one header (the input columns, in first-seen order across the reported rows, then the \
                ob_ columns), CRLF line ends; cells a spreadsheet would run as a formula (=, +, -, @ …) are \
                written with a leading apostrophe. JSONL: one object per row, values as stored (JSON numbers in normalised form: 13.50 is written 13.5, the same value).

                HTML (--format html --output FILE): one self-contained page a browser opens with no network: \
                where the requests went, the rows by state and their share, charts (inline SVG, no script) of \
                rows finished, requests, latency percentiles, errors by code, 429s and retries over time, the \
                request figures, the first 50 rows in the --state states with their messages, what to type \
                next, and the run's settings. Figures are aggregated by the database into at most 90 time \
                buckets, so a run of a million rows gives a page of the same size.

                The state database is --db FILE, or the `state:` file of --job JOB; it must exist. Output \
                goes to standard output unless --output FILE.
                Exit status: 0 written; 1 writing failed (quietly when the reader of a pipe went away, as with \
                `| head`; with a message otherwise: a full disk, a bad --output path); 64 usage error, missing \
                database or unknown run id.
                """)

        /// The run to report.
        @Argument(help: "The run to report.")
        var runID: String

        @OptionGroup var store: StoreSelection

        /// The states to report.
        @Option(
            name: .customLong("state"),
            help: ArgumentHelp(
                "States to report (repeatable, or comma-separated): pending, in_flight, succeeded, failed, skipped, invalid, unknown, all. Default: failed,unknown,skipped,invalid.",
                valueName: "state"))
        var stateArguments: [String] = []

        /// The output format.
        @Option(help: "The output format: csv, jsonl, or html (a page with charts).")
        var format: FormatChoice = .csv

        /// Where to write; standard output when absent.
        @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
        var output: String?

        func validate() throws {
            _ = try Self.states(from: stateArguments)
        }

        func run() throws {
            let states = try Self.states(from: stateArguments)
            let (store, path) = try self.store.openExisting()
            defer { try? store.close() }
            let run = try StoreSelection.requireRun(runID, in: store, path: path)
            try DatabaseCheck.readingDamage(path: path) {
                try DatabaseCheck.requireConsistent(store, runID: run.id, path: path)
            }
            if format == .html { return try writeHTML(run: run, store: store, path: path, states: states) }

            // The CSV header must be known before the first row, and rows of a JSONL input may carry different
            // members: a first pass over the selected rows collects the column names in first-seen order.
            var columns: [String]?
            if format == .csv {
                var names: [String] = []
                var seen: Set<String> = []
                try forEachRow(store: store, run: run, states: states) { _, inputColumns in
                    for column in inputColumns where seen.insert(column.name).inserted { names.append(column.name) }
                }
                columns = names
            }

            let writer: FileDescriptorWriter
            do {
                writer = try output.map { try FileDescriptorWriter(creatingFileAt: $0) } ?? .standardOutput()
            } catch {
                throw RunError(.outputFailed, "orderbatch: \(error)")
            }
            let report = ReportWriter(format: format.value, inputColumns: columns, output: writer)
            do {
                try forEachRow(store: store, run: run, states: states) { item, inputColumns in
                    try report.write(
                        ReportRow(
                            line: item.line, columns: inputColumns, state: item.state.rawValue,
                            httpStatus: item.lastHTTPStatus, errorCode: item.errorCode,
                            message: item.errorMessage ?? item.validationError, attempts: item.attempts))
                }
                try report.finish()
                try writer.close()
            } catch let error as ReportingError {
                // The reader of a pipe went away (`report … | head`): it read what it wanted; no message.
                if output == nil, case .writeFailed(_, EPIPE) = error { throw RunError(.outputFailed, "") }
                throw RunError(.outputFailed, "orderbatch: report of run \(run.id): \(error)")
            }
        }

        /// Calls `body` with each selected row and its input columns, parsed from the stored JSON object.
        private func forEachRow(
            store: some RunStore, run: RunRecord, states: Set<ItemState>?,
            _ body: (StoredItem, [ReportColumn]) throws -> Void
        ) throws {
            let path = (try? self.store.path()) ?? "the state database"
            try DatabaseCheck.readingDamage(path: path) {
                try store.forEachItem(runID: run.id, states: states) { item in
                    try body(item, try Self.inputColumns(of: item, runID: run.id))
                }
            }
        }

        /// The row's input columns, in input order.
        static func inputColumns(of item: StoredItem, runID: String) throws -> [ReportColumn] {
            let value: JSONValue
            do {
                value = try JSONValue.parse(item.inputJSON)
            } catch {
                // Exit 1, as for any report that cannot be completed.
                throw RunError(
                    .outputFailed,
                    "orderbatch: run \(runID), input line \(item.line): the stored input columns are not valid JSON (\(error)); the state database is damaged"
                )
            }
            guard case let .object(members) = value else {
                throw RunError(
                    .outputFailed,
                    "orderbatch: run \(runID), input line \(item.line): the stored input columns are not a JSON object; the state database is damaged"
                )
            }
            return members.map { ReportColumn(name: $0.key, value: .json($0.value)) }
        }

        /// The states named by `--state` arguments; nil (every state) for `all`.
        ///
        /// - Throws: `ValidationError` naming an unknown state.
        static func states(from arguments: [String]) throws -> Set<ItemState>? {
            let words = arguments.flatMap { $0.split(separator: ",") }.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }.filter { !$0.isEmpty }
            if words.isEmpty { return Set(defaultStates) }
            var states: Set<ItemState> = []
            for word in words {
                if word == "all" { return nil }
                guard let state = ItemState(rawValue: word == "in-flight" ? "in_flight" : word) else {
                    let known = ItemState.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("unknown --state \(word); use one of \(known), or all")
                }
                states.insert(state)
            }
            return states
        }
    }
}

extension OrderBatch.Report {
    /// `--format csv|jsonl`.
    enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl, html
        var value: ReportFormat { self == .csv ? .csv : .jsonl }
    }
}
