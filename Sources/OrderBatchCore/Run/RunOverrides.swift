import Foundation

/// Command-line options that change how a run executes; recorded with the run (as JSON, in the run's
/// `options_json`) so that `resume` and `retry` reuse them.
public struct RunOverrides: Codable, Sendable, Equatable {
    public var concurrency: Int?
    public var rate: String?
    public var deadline: String?
    public var maxFailures: String?
    public var skipInvalid: Bool?
    public var input: String?
    /// `--format`, when given: what `resume` reads the recorded input as, should it record it again.
    public var format: String?

    public init(
        concurrency: Int? = nil, rate: String? = nil, deadline: String? = nil, maxFailures: String? = nil,
        skipInvalid: Bool? = nil, input: String? = nil, format: String? = nil
    ) {
        self.format = format
        self.concurrency = concurrency
        self.rate = rate
        self.deadline = deadline
        self.maxFailures = maxFailures
        self.skipInvalid = skipInvalid
        self.input = input
    }

    /// `job`'s settings after these overrides.
    ///
    /// - Throws: ``RunError/usage(_:)`` for a `--rate`, `--deadline` or `--max-failures` that does not parse.
    public func applied(to job: Job) throws(RunError) -> Job {
        var job = job
        if let c = concurrency { job.concurrency = c }
        if let r = rate {
            if r == "none" || r == "off" {
                job.rateLimit = []
            } else {
                var windows: [RateWindow] = []
                for part in r.split(separator: ",") {
                    guard let w = RateWindow.parse(String(part)) else {
                        throw .usage(
                            "orderbatch: --rate \(r): give requests per second (5) or windows such as 200/1m,1000/5m")
                    }
                    windows.append(w)
                }
                job.rateLimit = windows
            }
        }
        if let d = deadline, d == "none" || d == "off" {
            job.timeouts.run = nil
        } else if let d = deadline {
            guard let ms = DurationText.milliseconds(d) else {
                throw .usage("orderbatch: --deadline \(d): give a duration such as 50m, or none")
            }
            job.timeouts.run = ms
        }
        if let m = maxFailures, m == "none" || m == "off" {
            job.maxFailures = nil
        } else if let m = maxFailures {
            guard let f = ExecutorPolicy.FailureLimit.parse(m) else {
                throw .usage("orderbatch: --max-failures \(m): give a count (25), a percentage (2%), or none")
            }
            job.maxFailures = f
        }
        return job
    }

    /// The overrides recorded with `run`, in the state database `db`.
    ///
    /// - Throws: ``RunError/usage(_:)`` naming the run when the recorded JSON does not decode (a damaged or
    ///   hand-edited row): resuming with default options would silently change the run's limits.
    public static func recorded(with run: RunRecord, db: String) throws(RunError) -> RunOverrides {
        do {
            return try JSONDecoder().decode(RunOverrides.self, from: Data(run.optionsJSON.utf8))
        } catch {
            throw .usage(
                "orderbatch: the options recorded with run \(run.id) cannot be read (\(error)); nothing was sent. "
                    + "Its rows are recorded: start a new run for what it has left "
                    + "(orderbatch report \(ShellWord.quote(run.id)) --db \(ShellWord.quote(db)) --state pending,unknown lists them), "
                    + "or restore the state database from a copy")
        }
    }
}
