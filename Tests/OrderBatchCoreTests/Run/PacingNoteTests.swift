import Foundation
import Testing

@testable import OrderBatchCore

/// What `resume` and `retry` say about their pace: the job file that changed on disk, the values in effect and
/// where each comes from, and a failure limit the run is already at.
@Suite struct PacingNoteTests {
    static let recordedText = """
        name: pace
        provider: juspay
        endpoint: sandbox
        merchant_id: m1
        concurrency: 8
        rate_limit: [190/1m, 950/5m]
        max_failures: 2%

        """

    static func job(_ text: String = recordedText) throws -> Job {
        try JobParser.parse(text: text, path: "jobs/pace.yaml")
    }

    static func note(
        invocation: RunOverrides = RunOverrides(), onDisk: String? = nil, command: InvocationCommand = .resume
    ) throws -> PacingNote {
        PacingNote(
            command: command, runID: "r1", recorded: try job(), invocation: invocation,
            onDisk: onDisk.map { PacingNote.JobFileText(path: "jobs/pace.yaml", text: $0) })
    }

    @Test func anEditedJobFileIsNamedWithTheValuesUsedAndTheFlagsThatWouldApplyIt() throws {
        let edited = Self.recordedText.replacingOccurrences(of: "concurrency: 8", with: "concurrency: 2")
            .replacingOccurrences(of: "rate_limit: [190/1m, 950/5m]", with: "rate_limit: 5")
        let invocation = RunOverrides(maxFailures: "50")
        let note = try Self.note(invocation: invocation, onDisk: edited)
        let effective = try RunOverrides().replacingPacing(with: invocation).applied(to: try Self.job())
        #expect(
            note.driftWarning(effective: effective)
                == "orderbatch: run r1: the job file jobs/pace.yaml differs from the job recorded with the run; "
                + "this resume uses the recorded job, not the file: concurrency 8, rate 190/1m,950/5m, "
                + "max_failures 50 (--max-failures), deadline none (the file says concurrency 2, rate 5/1s; to use "
                + "them for this invocation: --concurrency 2 --rate 5/1s). Other changes to a job need a new run.")
        // The values are said once, in the warning: no second line.
        #expect(note.overrideNote(effective: effective) == nil)
    }

    @Test func aFileThatDiffersElsewhereOrNoLongerParsesIsStillNamed() throws {
        let effective = try Self.job()
        let comment = try Self.note(onDisk: Self.recordedText + "# tonight: slower\n", command: .retry)
        #expect(
            comment.driftWarning(effective: effective)
                == "orderbatch: run r1: the job file jobs/pace.yaml differs from the job recorded with the run; "
                + "this retry uses the recorded job, not the file: concurrency 8, rate 190/1m,950/5m, "
                + "max_failures 2%, deadline none. Other changes to a job need a new run.")
        let broken = try Self.note(onDisk: "name: pace\n\tconcurrency: 2\n")
        let text = try #require(broken.driftWarning(effective: effective))
        #expect(text.contains("deadline none (the file does not parse: jobs/pace.yaml"), "\(text)")
        #expect(text.hasSuffix(". Other changes to a job need a new run."))
    }

    @Test func anUnchangedOrMissingFileSaysNothingButFlagsAreNamed() throws {
        let effective = try Self.job()
        #expect(try Self.note(onDisk: Self.recordedText).driftWarning(effective: effective) == nil)
        #expect(try Self.note(onDisk: nil).driftWarning(effective: effective) == nil)
        #expect(try Self.note(onDisk: nil).overrideNote(effective: effective) == nil)
        let invocation = RunOverrides(concurrency: 2, rate: "none", deadline: "50m")
        let faster = try RunOverrides().replacingPacing(with: invocation).applied(to: effective)
        #expect(
            try Self.note(invocation: invocation, onDisk: Self.recordedText).overrideNote(effective: faster)
                == "orderbatch: run r1: this resume runs with concurrency 2 (--concurrency), rate none (--rate), "
                + "max_failures 2%, deadline 50m (--deadline)")
    }

    @Test func aRunAtItsFailureLimitIsToldHowToGoOn() throws {
        let note = try Self.note()
        var job = try Self.job()
        job.maxFailures = .count(2)
        #expect(
            note.failureLimitWarning(effective: job, failed: 3, total: 20)
                == "orderbatch: run r1 has 3 failed rows and max_failures is 2: the next failure stops it again; "
                + "to let it go on, pass a higher limit: --max-failures N with N above 3, or a share of at least 20%")
        // Room for one more failure, no failure yet, or no limit: nothing to say.
        job.maxFailures = .count(4)
        #expect(note.failureLimitWarning(effective: job, failed: 3, total: 20) == nil)
        job.maxFailures = .count(0)
        #expect(note.failureLimitWarning(effective: job, failed: 0, total: 20) == nil)
        job.maxFailures = nil
        #expect(note.failureLimitWarning(effective: job, failed: 30, total: 20) == nil)
        // A share: 2% of 100 rows is 2; 2 failed leave no room.
        job.maxFailures = .percent(2)
        #expect(
            note.failureLimitWarning(effective: job, failed: 2, total: 100)?.hasSuffix(
                "max_failures is 2%: the next failure stops it again; to let it go on, pass a higher limit: "
                    + "--max-failures N with N above 2, or a share of at least 3%") == true)
    }

    @Test func invocationFlagsReplaceOnlyThePacingOptions() {
        let recorded = RunOverrides(concurrency: 4, rate: "10", skipInvalid: true, input: "/data/in.csv")
        let merged = recorded.replacingPacing(
            with: RunOverrides(concurrency: 2, maxFailures: "5", skipInvalid: false, input: "other.csv"))
        #expect(
            merged
                == RunOverrides(concurrency: 2, rate: "10", maxFailures: "5", skipInvalid: true, input: "/data/in.csv"))
        #expect(merged.pacingFlags == ["--concurrency 2", "--rate 10", "--max-failures 5"])
        #expect(
            RunOverrides(rate: "200/1m,1000/5m", deadline: "none").pacingFlags == [
                "--rate 200/1m,1000/5m", "--deadline none",
            ])
        #expect(RunOverrides(skipInvalid: true).hasNoPacing)
    }
}
