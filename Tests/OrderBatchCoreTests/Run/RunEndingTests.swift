import Testing

@testable import OrderBatchCore

/// The code `status --watch` exits with: the one `run` would have given, once no process is at work.
@Suite struct RunEndingTests {
    static func counts(failed: Int = 0, skipped: Int = 0, invalid: Int = 0) -> RunCounts {
        var counts = RunCounts()
        counts.total = 10
        counts.failed = failed
        counts.skipped = skipped
        counts.invalid = invalid
        counts.succeeded = 10 - failed - skipped - invalid
        return counts
    }

    @Test func aFinishedRunEndsZeroOrOneAsRunWouldHave() {
        #expect(RunEnding.status(state: .finished, counts: Self.counts(), processIsLive: false) == .success)
        for counts in [Self.counts(failed: 1), Self.counts(skipped: 2), Self.counts(invalid: 1)] {
            #expect(RunEnding.status(state: .finished, counts: counts, processIsLive: false) == .rowsFailed)
        }
    }

    @Test func aRunAtWorkHasNotEndedAndOneLeftByADeadProcessIsResumable() {
        for state in [RunState.ingesting, .ready, .running] {
            #expect(RunEnding.status(state: state, counts: Self.counts(), processIsLive: true) == nil)
            #expect(RunEnding.status(state: state, counts: Self.counts(), processIsLive: false) == .stoppedEarly)
        }
        #expect(RunEnding.status(state: .stopped, counts: Self.counts(), processIsLive: false) == .stoppedEarly)
        #expect(RunEnding.status(state: .failedIngest, counts: Self.counts(), processIsLive: false) == .invalidInput)
        #expect(RunEnding.status(state: .canceled, counts: Self.counts(), processIsLive: false) == .invalidInput)
    }
}
