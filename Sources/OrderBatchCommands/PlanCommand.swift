import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch plan JOB`: validate the input, then say what a run would send and about how long it would take.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the input, then print the requests a run would send and an estimate of its duration.",
            discussion: """
                Counts the requests by phase (preflight status reads, updates), and estimates the run's duration \
                from the rate-limit windows, the concurrency at the provider's typical latency and the retry \
                budget, stating its assumptions. Sends nothing, records nothing, needs no credentials.

                Exit status: 0 the plan was printed; 2 invalid input (the problems are printed as for run); 1 \
                standard output could not be written; 64 usage or job-file error, or the input file does not exist.
                """)

        @Argument(help: "The job file (YAML).") var job: String
        @Option(help: "Plan for this input file instead of the job's `input`; - reads standard input (with --format).")
        var input: String?
        @Option(
            help: "The input's format, csv or jsonl (required with --input -; default: the job's, else the extension).")
        var format: String?
        @Flag(help: "Plan for the valid rows only, as run --skip-invalid would send them.") var skipInvalid = false
        @Option(help: "Requests in flight at most (overrides the job).") var concurrency: Int?
        @Option(help: "Rate limit: requests per second, or windows such as 200/1m,1000/5m, or none.") var rate: String?
        @Option(help: "The run deadline (e.g. 50m, or none): says how far a run would get.") var deadline: String?
        @Flag(help: "Print the plan as JSON.") var json = false

        func validate() throws {
            if let c = concurrency, !(1...256).contains(c) {
                throw ValidationError("--concurrency must be from 1 to 256")
            }
        }

        func run() throws {
            let job = try CommandSupport.loadJob(self.job)
            let effective = try RunOverrides(concurrency: concurrency, rate: rate, deadline: deadline).applied(to: job)
            // Standard input is copied to an unnamed temporary file, gone when the command ends.
            let selection = try InputSelection(
                job: job, input: input, format: format, spoolDirectory: NSTemporaryDirectory())
            let recording = InputRecording(
                job: effective, inputPath: selection.readPath, format: selection.format, skipInvalid: skipInvalid,
                displayPath: selection.displayPath)
            let plan = RunPlan(job: effective, inputPath: selection.displayPath, report: try recording.validate())
            if json {
                CommandSupport.output(plan.json.compactText)
            } else {
                for line in plan.textLines { CommandSupport.output(line) }
            }
            try CommandSupport.requireOutputWritten()
        }
    }
}
