import Foundation
import OrderBatchCore

extension RunSession {
    /// Prints what an executed run ended with (the summary, then the line a signal leaves) and returns its
    /// exit status.
    /// With `quiet` (`--quiet`), a run that succeeded prints nothing.
    static func report(_ outcome: RunOutcome, json: Bool, quiet: Bool = false) -> ExitStatus {
        // `--quiet`: a run that did not succeed shows the lines held back first, then its summary.
        if outcome.status != .success { LogSink.standardError.releaseHeld() }
        if case .executed(let summary) = outcome, !(quiet && outcome.status == .success) {
            printSummary(summary, json: json)
            if let note = summary.signalNote { CommandSupport.printError(note, level: .warning) }
        }
        return outcome.status
    }

    /// The run's summary on standard output: text, or one JSON object with `--json`. Written through
    /// ``CommandSupport/output(_:)``: a closed or full standard output loses the summary, never the run.
    static func printSummary(_ summary: RunSummary, json: Bool) {
        let (runID, job, counts, result, status, reason, db) = (
            summary.runID, summary.job, summary.counts, summary.result, summary.status, summary.reason, summary.db
        )
        if json {
            let c = counts
            let k = result.counters
            let elapsed =
                JSONNumber(literal: String(format: "%.3f", result.elapsedSeconds)).map(JSONValue.number) ?? .null
            let object: JSONValue = .object([
                ("run_id", .string(runID)), ("job", .string(job.name)), ("provider", .string(job.provider.rawValue)),
                ("state", .string(status == .stoppedEarly ? "stopped" : "finished")),
                ("reason", reason.map { .string($0) } ?? .null), ("exit_code", .integer(Int(status.rawValue))),
                ("elapsed_seconds", elapsed), ("attempts", .integer(k.sends)), ("preflights", .integer(k.preflights)),
                ("reconciles", .integer(k.reconciles)), ("retries", .integer(k.retries)),
                ("rate_limited", .integer(k.rateLimited)),
                (
                    "counts",
                    .object([
                        ("total", .integer(c.total)), ("succeeded", .integer(c.succeeded)),
                        ("failed", .integer(c.failed)),
                        ("skipped", .integer(c.skipped)), ("invalid", .integer(c.invalid)),
                        ("unknown", .integer(c.unknown)),
                        ("pending", .integer(c.pending + c.inFlight)),
                    ])
                ),
            ])
            CommandSupport.output(object.compactText)
            return
        }
        let state = status == .stoppedEarly ? "stopped (\(reason ?? ""))" : "finished"
        CommandSupport.output(
            "run \(runID) (job \(job.name), \(job.provider.rawValue)): \(state) in \(String(format: "%.1f", result.elapsedSeconds)) s"
        )
        CommandSupport.output(
            "  \(counts.total) rows: \(counts.succeeded) succeeded, \(counts.failed) failed, \(counts.skipped) skipped, "
                + "\(counts.invalid) invalid, \(counts.unknown) unknown, \(counts.pending + counts.inFlight) pending")
        let k = result.counters
        CommandSupport.output(
            "  requests: \(k.sends) updates, \(k.preflights) status reads (preflight), \(k.reconciles) reconciliations; \(k.retries) retries, \(k.rateLimited) rate-limited"
        )
        let dbArg = "--db \(db)"
        if status == .stoppedEarly { CommandSupport.output("  continue: orderbatch resume \(runID) \(dbArg)") }
        if counts.failed > 0 {
            CommandSupport.output(
                "  failed rows: orderbatch report \(runID) \(dbArg) --state failed;  send them again: orderbatch retry \(runID) \(dbArg)"
            )
        }
        if counts.skipped > 0 {
            CommandSupport.output("  skipped rows: orderbatch report \(runID) \(dbArg) --state skipped")
        }
    }
}
