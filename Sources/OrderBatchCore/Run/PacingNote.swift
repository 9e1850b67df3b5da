import Foundation

/// What `resume` and `retry` say about the pace they run at: the job file on disk differing from the job
/// recorded with the run (whose settings are used, never the file's), the values in effect and where each
/// comes from, and a failure limit the run is already at. Pure: tests pin every word.
public struct PacingNote: Sendable {
    /// `resume` or `retry`.
    public var command: InvocationCommand
    public var runID: String
    /// The job recorded with the run, with the options recorded with it (`run`'s flags) applied.
    public var recorded: Job
    /// This invocation's pacing flags.
    public var invocation: RunOverrides
    /// The job file as it is on disk now (`--job`, else the recorded path), or nil when there is none to read.
    public var onDisk: JobFileText?
    /// The providers a job may name.
    public var registry: ProviderRegistry

    /// A job file's path and text.
    public struct JobFileText: Sendable, Equatable {
        public var path: String
        public var text: String

        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    public init(
        command: InvocationCommand, runID: String, recorded: Job, invocation: RunOverrides, onDisk: JobFileText?,
        registry: ProviderRegistry = .standard
    ) {
        self.registry = registry
        self.command = command
        self.runID = runID
        self.recorded = recorded
        self.invocation = invocation
        self.onDisk = onDisk
    }

    /// The warning when the job file on disk is not the job recorded with the run, else nil:
    ///
    /// `orderbatch: run R: the job file jobs/x.yaml differs from the job recorded with the run; this resume
    /// uses the recorded job, not the file: concurrency 2 (--concurrency), rate 190/1m,950/5m, max_failures 2%,
    /// deadline none (the file says rate 5/1s; to use it for this invocation: --rate 5/1s). Other changes to a
    /// job need a new run.`
    public func driftWarning(effective: Job) -> String? {
        guard let onDisk, onDisk.text != recorded.text else { return nil }
        var line =
            "orderbatch: run \(runID): the job file \(onDisk.path) differs from the job recorded with the run; "
            + "this \(command.rawValue) uses the recorded job, not the file: \(valuesInEffect(effective))"
        do {
            let file = try JobParser.parse(text: onDisk.text, path: recorded.path, registry: registry)
            let differing = PacingSetting.allCases.filter {
                !$0.isSet(in: invocation) && $0.value(in: file) != $0.value(in: effective)
            }
            if !differing.isEmpty {
                let says = differing.map { "\($0.key) \($0.value(in: file))" }.joined(separator: ", ")
                let flags = differing.map { "\($0.flag) \(ShellWord.quote($0.value(in: file)))" }
                    .joined(separator: " ")
                line +=
                    " (the file says \(says); to use \(differing.count == 1 ? "it" : "them") for this "
                    + "invocation: \(flags))"
            }
        } catch {
            line += " (the file does not parse: \(error))"
        }
        return line + ". Other changes to a job need a new run."
    }

    /// The line naming the pace when flags changed it and the job file did not differ, else nil:
    /// `orderbatch: run R: this resume runs with concurrency 2 (--concurrency), rate 5/1s (--rate), max_failures
    /// 2%, deadline none`.
    public func overrideNote(effective: Job) -> String? {
        guard !invocation.hasNoPacing, onDisk == nil || onDisk?.text == recorded.text else { return nil }
        return "orderbatch: run \(runID): this \(command.rawValue) runs with \(valuesInEffect(effective))"
    }

    /// The warning when the failures already recorded leave no room under the limit in effect, else nil: the
    /// next failure would stop the run again.
    ///
    /// - Parameters:
    ///   - effective: The job at this invocation's pace.
    ///   - failed: The run's rows `failed` now (after `retry` sent them back to pending).
    ///   - total: The run's rows.
    /// - Returns: The warning, or nil when the next failure would not stop the run.
    public func failureLimitWarning(effective: Job, failed: Int, total: Int) -> String? {
        guard let limit = effective.maxFailures, failed > 0, limit.isExceeded(failed: failed + 1, total: total) else {
            return nil
        }
        let source = invocation.maxFailures != nil ? "--max-failures" : "max_failures"
        // The smallest limits that leave room for one more failure.
        let share = total > 0 ? min(100, ((failed + 1) * 100 + total - 1) / total) : 100
        return "orderbatch: run \(runID) has \(failed) failed rows and \(source) is \(limit): the next failure stops "
            + "it again; to let it go on, pass a higher limit: --max-failures N with N above \(failed), or a share "
            + "of at least \(share)%"
    }

    /// `concurrency 2 (--concurrency), rate 190/1m,950/5m, max_failures 2%, deadline none`: each value, and the
    /// flag when this invocation set it.
    func valuesInEffect(_ effective: Job) -> String {
        PacingSetting.allCases.map { setting in
            "\(setting.key) \(setting.value(in: effective))"
                + (setting.isSet(in: invocation) ? " (\(setting.flag))" : "")
        }.joined(separator: ", ")
    }
}
