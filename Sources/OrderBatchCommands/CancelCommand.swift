import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch cancel RUN_ID`: close a run for good; it sends nothing more.
    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a run for good: it sends nothing more (resume and retry refuse it).",
            discussion: """
                For a run that stopped, crashed or never started, and that should not be continued: an older \
                input that a newer one replaces, or a batch abandoned on purpose. The run becomes "canceled"; its \
                rows keep their states (rows a killed process left in flight become "unknown": they may have \
                reached the provider), and `status` and `report` still show them. `run` no longer counts it as an \
                unfinished run of the job. A finished run, a failed_ingest run or a canceled one is left as it is.
                Exit status: 0 canceled (or nothing to cancel); 64 usage error, missing database or unknown run \
                id; 75 a process is executing the run's job (its lease is live): stop it first.
                """)

        @Argument(help: "The run to cancel (see `orderbatch status`).")
        var runID: String

        @OptionGroup var store: StoreSelection

        func run() throws {
            let (store, path) = try self.store.openExisting()
            defer { try? store.close() }
            let run = try StoreSelection.requireRun(runID, in: store, path: path)
            guard run.state.isOpen else {
                let why = run.stateReason.map { " (\($0))" } ?? ""
                print("run \(run.id) is \(run.state.rawValue)\(why) and sends nothing more; nothing to cancel")
                return
            }
            let owner = LeaseOwner.current()
            // The run's own `lease_ttl` decides when its holder's lease has expired.
            let ttl =
                (try? JobParser.parse(text: run.jobText, path: run.jobPath))?.leaseTTLSeconds
                ?? LeaseHolder.defaultTTLSeconds
            switch try store.acquireLease(jobName: run.jobName, runID: run.id, owner: owner, ttlSeconds: ttl) {
            case .acquired: break
            case .heldBy(let holder):
                throw RunError.busy(
                    "orderbatch: job \(run.jobName) is being executed by \(holder); run \(run.id) was not canceled "
                        + "(exit 75). Stop that process first (SIGTERM), then cancel.")
            }
            defer { try? store.releaseLease(jobName: run.jobName, runID: run.id, owner: owner) }
            let before = UnfinishedRunCheck.Blocker(run: run, counts: try store.counts(runID: run.id)).summary
            let counts = try store.cancelRun(id: run.id, reason: "by orderbatch cancel")
            let db = "--db " + ShellWord.quote(path)
            print("run \(run.id) canceled (it was \(before))")
            print(
                "  \(counts.total) rows: \(counts.succeeded) succeeded, \(counts.failed) failed, \(counts.skipped) skipped, "
                    + "\(counts.invalid) invalid; \(counts.pending) pending and \(counts.unknown) unknown will never be sent"
            )
            if counts.remaining > 0 {
                print("  rows left: orderbatch report \(ShellWord.quote(run.id)) \(db) --state pending,unknown")
            }
        }
    }
}
