import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch log RUN_ID [--db FILE] [--job JOB] [--order ID] [--format csv|jsonl] [--output FILE]`: the
    /// attempts log of a run, in time order, streamed from the store.
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write the attempts log of a run (every request, in time order) as CSV or JSONL. Changes nothing.",
            discussion: """
                One line per request sent for the run, every invocation and generation, ordered by the time it \
                started: time (ISO 8601 UTC, milliseconds), order_id, row (the row's number, input order), phase \
                (preflight, update, reconcile), generation (1, then one more per retry), attempt (the update's \
                number in its generation; 0 for status reads), latency_ms, http_status, outcome (succeeded, \
                retryable, permanent, unknown, skipped, rejected, in_effect, not_in_effect), error_code, message. \
                --order keeps the requests of one order. The log is read as a stream: a run of a million rows \
                does not fill the memory.

                CSV: a header, CRLF line ends, cells a spreadsheet would run as a formula written with a leading \
                apostrophe. JSONL: one object per line with those members; a missing status, latency, code or \
                message is null.

                The state database is --db FILE, or the `state:` file of --job JOB; it must exist. Output goes to \
                standard output unless --output FILE.
                Exit status: 0 written (a note on standard error when --order matched no request); 1 writing \
                failed (quietly when the reader of a pipe went away); 64 usage error, missing database or \
                unknown run id.
                """)

        /// The run whose log is written.
        @Argument(help: "The run whose attempts log to write.")
        var runID: String

        @OptionGroup var store: StoreSelection

        /// Only this order's requests.
        @Option(help: ArgumentHelp("Only the requests of this order id.", valueName: "id"))
        var order: String?

        /// The output format.
        @Option(help: "The output format.")
        var format: FormatChoice = .csv

        /// Where to write; standard output when absent.
        @Option(help: ArgumentHelp("Write the log to this file instead of standard output.", valueName: "file"))
        var output: String?

        func run() throws {
            let (store, path) = try self.store.openExisting()
            defer { try? store.close() }
            let run = try StoreSelection.requireRun(runID, in: store, path: path)
            guard let history = store as (any RunStore) as? any RunHistoryStore else {
                throw RunError.usage("orderbatch: the state database \(path) keeps no attempts log")
            }
            let writer: FileDescriptorWriter
            do {
                writer = try output.map { try FileDescriptorWriter(creatingFileAt: $0) } ?? .standardOutput()
            } catch {
                throw RunError(.outputFailed, "orderbatch: \(error)")
            }
            let log = AttemptLogWriter(format: format.value, output: writer)
            var written = 0
            do {
                try DatabaseCheck.readingDamage(path: path) {
                    try history.forEachAttempt(runID: run.id, orderID: order) { line in
                        try log.write(line)
                        written += 1
                    }
                }
                try log.finish()
                try writer.close()
            } catch let error as ReportingError {
                if output == nil, case .writeFailed(_, EPIPE) = error { throw RunError(.outputFailed, "") }
                throw RunError(.outputFailed, "orderbatch: attempts log of run \(run.id): \(error)")
            }
            if let order, written == 0 {
                CommandSupport.printError(
                    "orderbatch: run \(run.id) sent no request for order \(order) (no such order in the run, or "
                        + "it was never sent)")
            }
        }
    }
}

extension OrderBatch.Log {
    /// `--format csv|jsonl`.
    enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl
        var value: ReportFormat { self == .csv ? .csv : .jsonl }
    }
}
