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
        } else if case .executed(let summary) = outcome, summary.job.endpoint == .emulator {
            // A cron line left on `endpoint: emulator` "succeeds" every night and reaches no provider: even
            // `--quiet` says so, in one line.
            let endpoint =
                summary.story?.endpointLine ?? "endpoint: the built-in emulator: nothing was sent to the provider"
            CommandSupport.printError(
                "orderbatch: run \(summary.runID): " + endpoint, level: .warning, holdable: false)
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
            let object: JSONValue = .object(
                [
                    ("run_id", .string(runID)), ("job", .string(job.name)),
                    ("provider", .string(job.provider.rawValue)),
                    ("state", .string(status == .stoppedEarly ? "stopped" : "finished")),
                    ("reason", reason.map { .string($0) } ?? .null), ("exit_code", .integer(Int(status.rawValue))),
                    ("elapsed_seconds", elapsed), ("attempts", .integer(k.sends)),
                    ("preflights", .integer(k.preflights)),
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
                    ("invocation_kind", .string(summary.invocation)),
                ] + (summary.story?.jsonMembers ?? []))
            CommandSupport.output(object.compactText)
            return
        }
        let state = status == .stoppedEarly ? "stopped (\(reason ?? ""))" : "finished"
        let this = summary.invocation == "run" ? "" : " (this \(summary.invocation))"
        CommandSupport.output(
            "run \(runID) (job \(job.name), \(job.provider.rawValue)): \(state) in "
                + "\(ProgressFormat.elapsed(result.elapsedSeconds))\(this)")
        if let endpoint = summary.story?.endpointLine { CommandSupport.output("  " + endpoint) }
        CommandSupport.output(
            "  \(counts.total) rows: \(counts.succeeded) succeeded, \(counts.failed) failed, \(counts.skipped) skipped, "
                + "\(counts.invalid) invalid, \(counts.unknown) unknown, \(counts.pending + counts.inFlight) pending")
        let k = result.counters
        let requests =
            "requests: \(k.sends) updates, \(k.preflights) status reads (preflight), \(k.reconciles) reconciliations; "
            + "\(k.retries) retries, \(k.rateLimited) rate-limited"
        if let story = summary.story {
            if summary.invocation == "run" { CommandSupport.output("  " + requests) }
            for line in story.textLines(invocationName: summary.invocation, invocationRequests: requests) {
                CommandSupport.output(line)
            }
        } else {
            CommandSupport.output("  " + requests)
        }
        let dbArg = "--db \(ShellWord.quote(db))"
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
