import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch validate JOB [--input FILE] [--json]`: check every row, send nothing.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every row of a job's input against the provider's rules. Sends nothing.",
            discussion: """
                Prints each problem as FILE:LINE: column: message, then a summary.
                Exit status: 0 every row is valid; 2 some row is invalid (or the file cannot be read on); \
                1 the output could not be written (the reader of a pipe went away: quietly; a full disk: with a \
                message); 64 usage or job-file error, or the input file does not exist.
                """)

        /// The job file (jobs/*.yaml).
        @Argument(help: "The job file (YAML).")
        var job: String

        /// Validate this file instead of the job's `input`.
        @Option(help: "Validate this input file instead of the job's `input`; - reads standard input (with --format).")
        var input: String?

        /// The input's format when neither the job nor the extension says (required with `--input -`).
        @Option(
            help: "The input's format, csv or jsonl (required with --input -; default: the job's, else the extension).")
        var format: String?

        /// Print a machine-readable JSON report on stdout instead of text.
        @Flag(help: "Print a machine-readable JSON report instead of text.")
        var json = false

        /// How many problems to print before summarising the rest.
        @Option(help: "Print at most this many problems (the rest are counted).")
        var maxErrors = 50

        func validate() throws {
            guard maxErrors >= 0 else { throw ValidationError("--max-errors must be 0 or more") }
        }

        func run() throws {
            let job = try CommandSupport.loadJob(self.job)
            // Standard input or a pipe is copied to an unnamed temporary file, gone when the command ends.
            let selection = try InputSelection(
                job: job, input: input, format: self.format, spoolDirectory: NSTemporaryDirectory())
            let (path, format) = (selection.displayPath, selection.format)
            let validation = FileValidation(
                validator: job.provider.makeValidator(), columnsPerRecord: format == .jsonl, maxKeptIssues: maxErrors)
            let report: ValidationReport
            do {
                report = try validation.run(source: format.makeSource(path: selection.readPath), sourcePath: path)
            } catch let error as InputError {
                guard json else { throw RunError(error.exitStatus, "orderbatch: \(error)") }
                CommandSupport.output(fatalReport(error, job: job, path: path))
                try CommandSupport.requireOutputWritten()
                throw RunError(error.exitStatus, "")
            }
            if json {
                CommandSupport.output(jsonReport(report, job: job, path: path))
            } else {
                for issue in report.issues.prefix(maxErrors) {
                    guard CommandSupport.outputIsOpen else { break }
                    CommandSupport.output(issue.formatted(path: path))
                }
                let shown = min(report.issues.count, maxErrors)
                if report.issueCount > shown {
                    CommandSupport.output(
                        "… and \(report.issueCount - shown) more problems (use --max-errors N to see more)")
                }
                // `validate` never sends: its summary says what it checked and what to do next.
                var summary = "\(path): \(report.rows) rows checked: \(report.valid) valid, \(report.invalid) invalid"
                if report.columnIssueCount > 0 { summary += ", \(report.columnIssueCount) column problems" }
                if report.isClean {
                    summary += "; ready to run (\(job.provider.rawValue))"
                } else if report.columnIssueCount > 0 {
                    summary += "; fix them and validate again"
                } else {
                    summary += "; fix them and validate again (`run --skip-invalid` would send only the valid rows)"
                }
                CommandSupport.output(summary)
            }
            try CommandSupport.requireOutputWritten()
            // The problems are the output, already written.
            if !report.isClean { throw RunError(.invalidInput, "") }
        }

        /// `{"job","provider","input","valid":false,"fatal":{"line","message"}}` for a problem that stops the read
        /// (an unterminated quote, a bad header, an unreadable file); `line` is null when the problem has none.
        private func fatalReport(_ error: InputError, job: Job, path: String) -> String {
            JSONValue.object([
                ("job", .string(job.name)), ("provider", .string(job.provider.rawValue)), ("input", .string(path)),
                ("valid", .bool(false)),
                (
                    "fatal",
                    .object([("line", error.line.map(JSONValue.integer) ?? .null), ("message", .string(error.message))])
                ),
            ]).compactText
        }

        private func jsonReport(_ r: ValidationReport, job: Job, path: String) -> String {
            let issues = r.issues.map { i -> JSONValue in
                .object([
                    ("line", .integer(i.line)), ("column", i.column.map { .string($0) } ?? .null),
                    ("message", .string(i.message)),
                ])
            }
            return JSONValue.object([
                ("job", .string(job.name)), ("provider", .string(job.provider.rawValue)), ("input", .string(path)),
                ("valid", .bool(r.isClean)), ("rows", .integer(r.rows)), ("valid_rows", .integer(r.valid)),
                ("invalid_rows", .integer(r.invalid)), ("column_problems", .integer(r.columnIssueCount)),
                ("issue_count", .integer(r.issueCount)), ("issues_truncated", .bool(r.issueCount > r.issues.count)),
                ("issues", .array(issues)),
            ]).compactText
        }
    }
}
