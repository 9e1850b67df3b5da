import Foundation

// MARK: - Pacing: the options `resume` and `retry` may change for one invocation

extension RunOverrides {
    /// Only the pacing options (`concurrency`, `rate`, `maxFailures`, `deadline`): what `resume` and `retry`
    /// accept on their command line and record with the invocation.
    public var pacing: RunOverrides {
        RunOverrides(concurrency: concurrency, rate: rate, deadline: deadline, maxFailures: maxFailures)
    }

    /// Whether no pacing option is set.
    public var hasNoPacing: Bool { pacing == RunOverrides() }

    /// These options with every pacing option `invocation` sets in place of this one's.
    public func replacingPacing(with invocation: RunOverrides) -> RunOverrides {
        var merged = self
        if let c = invocation.concurrency { merged.concurrency = c }
        if let r = invocation.rate { merged.rate = r }
        if let d = invocation.deadline { merged.deadline = d }
        if let m = invocation.maxFailures { merged.maxFailures = m }
        return merged
    }

    /// The pacing options as the flags that set them: `["--concurrency 2", "--rate 5"]` (in that order:
    /// concurrency, rate, max-failures, deadline).
    public var pacingFlags: [String] {
        var flags: [String] = []
        if let c = concurrency { flags.append("--concurrency \(c)") }
        if let r = rate { flags.append("--rate \(ShellWord.quote(r))") }
        if let m = maxFailures { flags.append("--max-failures \(ShellWord.quote(m))") }
        if let d = deadline { flags.append("--deadline \(ShellWord.quote(d))") }
        return flags
    }

    /// The pacing options as the JSON object stored with an invocation: only the keys set (`{}` for none).
    ///
    /// - Throws: What `JSONEncoder` throws (nothing for these plain values).
    public func pacingJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(pacing), as: UTF8.self)
    }
}

extension Job {
    /// The pacing this job runs with, as an operator types it: `concurrency 8, rate 190/1m,950/5m,
    /// max_failures 2%, deadline none`.
    public var pacingDescription: String {
        PacingSetting.allCases.map { "\($0.key) \($0.value(in: self))" }.joined(separator: ", ")
    }
}

/// One of the four settings `resume` and `retry` may change for an invocation.
public enum PacingSetting: String, CaseIterable, Sendable {
    case concurrency, rate, maxFailures, deadline

    /// The job-file key: `concurrency`, `rate_limit`, `max_failures`, `timeouts.run`; used in messages as
    /// `rate` and `deadline`, the names of the flags.
    public var key: String {
        switch self {
        case .concurrency: return "concurrency"
        case .rate: return "rate"
        case .maxFailures: return "max_failures"
        case .deadline: return "deadline"
        }
    }

    /// The flag that changes it for one invocation.
    public var flag: String {
        switch self {
        case .concurrency: return "--concurrency"
        case .rate: return "--rate"
        case .maxFailures: return "--max-failures"
        case .deadline: return "--deadline"
        }
    }

    /// Its value in `job`, written as the flag takes it: `8`, `190/1m,950/5m` or `none`, `2%` or `none`,
    /// `50m` or `none`.
    public func value(in job: Job) -> String {
        switch self {
        case .concurrency: return String(job.concurrency)
        case .rate: return job.rateLimit.isEmpty ? "none" : job.rateLimit.map(\.description).joined(separator: ",")
        case .maxFailures: return job.maxFailures.map(\.description) ?? "none"
        case .deadline: return job.timeouts.run.map { DurationText.format(milliseconds: $0) } ?? "none"
        }
    }

    /// Whether `overrides` sets it.
    public func isSet(in overrides: RunOverrides) -> Bool {
        switch self {
        case .concurrency: return overrides.concurrency != nil
        case .rate: return overrides.rate != nil
        case .maxFailures: return overrides.maxFailures != nil
        case .deadline: return overrides.deadline != nil
        }
    }
}

extension RunRecord {
    /// The job recorded with the run and the options recorded with it, with `invocation`'s pacing flags in place
    /// of theirs: the pace an invocation ran at. Nil when the recorded job or options cannot be read.
    public func pace(with invocation: RunOverrides) -> Job? {
        guard let job = try? JobParser.parse(text: jobText, path: jobPath),
            let recorded = try? JSONDecoder().decode(RunOverrides.self, from: Data(optionsJSON.utf8))
        else { return nil }
        return try? recorded.replacingPacing(with: invocation.pacing).applied(to: job)
    }
}
