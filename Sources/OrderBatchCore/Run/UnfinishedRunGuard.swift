import Foundation

/// `run`'s check for older runs of the job that could still send (``UnfinishedRunCheck``): refuse with
/// exit 3 and the three ways on, or close them as superseded.
///
/// Called while the new run holds the job's lease (a live process executing the job has already made `run`
/// exit 75), before the new run is recorded.
struct UnfinishedRunGuard {
    // Internal to Core: the coordinator calls it between taking the lease and recording the run.
    var job: Job
    var store: any RunStore
    var dbPath: String
    var inputPath: String
    var newRunID: String
    /// `--supersede`, which overrides the job's `unfinished_runs: refuse`.
    var supersede: Bool
    var json: Bool
    /// Where the "closed as canceled" lines go.
    var observer: any RunObserver

    /// Supersedes the unfinished runs or, when the policy is to refuse, releases `owner`'s lease.
    ///
    /// - Throws: ``RunError/stoppedEarly(_:)`` (exit 3) with the refusal: which runs and the ways on.
    func enforce(owner: LeaseOwner) throws {
        let blockers = try UnfinishedRunCheck.blockers(in: store, jobName: job.name, excluding: newRunID)
        switch UnfinishedRunCheck.decide(blockers, policy: supersede ? .supersede : job.unfinishedRuns) {
        case .proceed:
            return
        case .supersede(let runs):
            for blocker in runs {
                let reason = UnfinishedRunCheck.supersededReason(by: newRunID)
                let counts = try store.cancelRun(id: blocker.run.id, reason: reason)
                if !json {
                    observer.note(
                        "orderbatch: run \(blocker.run.id) (\(blocker.summary)) is \(reason): closed as canceled; "
                            + "its \(counts.remaining) rows left will never be sent")
                }
            }
        case .refuse(let runs):
            try? store.releaseLease(jobName: job.name, runID: newRunID, owner: owner)
            throw RunError.stoppedEarly(refusal(runs))
        }
    }

    /// The refusal: which runs, why it matters, and the commands to choose from.
    func refusal(_ runs: [UnfinishedRunCheck.Blocker]) -> String {
        let named = runs.map { "\($0.run.id) (\($0.summary))" }
        let subject =
            runs.count == 1 ? "an unfinished run \(named[0])" : "unfinished runs " + named.joined(separator: "; ")
        let them = runs.count == 1 ? "it" : "them"
        let db = "--db " + ShellWord.quote(dbPath)
        var lines = [
            "orderbatch: job \(job.name) has \(subject); nothing was sent. Starting a new run beside \(them) would let a "
                + "later resume apply \(them == "it" ? "its" : "their") older updates over the new ones. Choose one:"
        ]
        for blocker in runs {
            lines.append("  orderbatch resume \(ShellWord.quote(blocker.run.id)) \(db)    # finish it first")
        }
        for blocker in runs {
            lines.append(
                "  orderbatch cancel \(ShellWord.quote(blocker.run.id)) \(db)    # close it; its rows left are never sent"
            )
        }
        lines.append(
            "  orderbatch run \(ShellWord.quote(job.path)) --input \(ShellWord.quote(inputPath))"
                + (dbPath == job.state ? "" : " " + db) + " --supersede    "
                + "# close \(them) and start this run (job setting: unfinished_runs: supersede)")
        return lines.joined(separator: "\n")
    }
}
