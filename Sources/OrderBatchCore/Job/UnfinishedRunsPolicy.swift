/// What `run` does when an older run of the job may still send (stopped, crashed, ready, or interrupted
/// while recording its input): the job file's `unfinished_runs`, or `run --supersede`.
///
/// Resuming such a run after a newer one has applied its updates would put the older values back (last
/// week's prices over this week's), so the two must not both stay open.
public enum UnfinishedRunsPolicy: String, Sendable, Equatable, CaseIterable {
    /// Refuse to start (exit 3) and name the unfinished run: resume it, cancel it, or supersede it. The
    /// default, and what a migration split into part files wants: each part must finish.
    case refuse
    /// Close the unfinished runs as `canceled` ("superseded by run NEW"), then start. What a nightly
    /// repricing job wants: tonight's file replaces last night's.
    case supersede
}
