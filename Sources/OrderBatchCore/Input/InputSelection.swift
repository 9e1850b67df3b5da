import Foundation

/// The input a command reads, chosen from `--input` (`-` for standard input), `--format` and the job: where to
/// read it, what to call it in messages, its format, and, for standard input or a pipe, its spooled copy.
///
/// ```swift
/// let input = try InputSelection(job: job, input: "-", format: "csv", spoolDirectory: "state/x.sqlite.inputs")
/// input.readPath     // /proc/self/fd/5: the spooled copy
/// input.displayPath  // <stdin>
/// ```
public final class InputSelection: Sendable {
    /// Where to read the input (the spooled copy for standard input or a pipe).
    public let readPath: String
    /// The input as messages name it: the path as given, `<stdin>` for standard input.
    public let displayPath: String
    public let format: InputFormat
    /// The copy of standard input or a pipe; nil for a regular file.
    public let spool: InputSpool?
    /// The folder the copy is kept in by ``InputSpool/keep(in:format:)``.
    public let spoolDirectory: String

    /// Chooses the input.
    ///
    /// - Parameters:
    ///   - job: The job (its `input` and `format`).
    ///   - input: `--input`: a path, `-` for standard input, or nil for the job's.
    ///   - format: `--format`: `csv` or `jsonl`; required with `-`.
    ///   - spoolDirectory: Where standard input or a pipe is copied (beside the state database).
    /// - Throws: ``RunError`` 64 for a missing input, an unknown or missing format, or a spool that failed.
    public init(job: Job, input: String?, format: String?, spoolDirectory: String) throws(RunError) {
        guard let path = input ?? job.input else {
            throw .usage(
                "orderbatch: \(job.path): no input file: add `input:` to the job or pass --input FILE (or - for standard input)"
            )
        }
        var chosen: InputFormat?
        if let format {
            guard let f = InputFormat(rawValue: format) else {
                throw .usage("orderbatch: --format \(format): give csv or jsonl")
            }
            chosen = f
        } else if path == "-" {
            throw .usage(
                "orderbatch: --input - reads standard input: say its format with --format csv or --format jsonl")
        }
        guard let format = chosen ?? job.inputFormat(for: path) else {
            throw .usage(
                "orderbatch: \(path): cannot tell the format from the extension; name it .csv or .jsonl, "
                    + "pass --format csv|jsonl, or set `format:` in the job")
        }
        self.format = format
        self.displayPath = path == "-" ? "<stdin>" : path
        self.spoolDirectory = spoolDirectory
        if InputSpool.isNeeded(for: path) {
            do {
                let spool = try InputSpool(copying: path, into: spoolDirectory)
                self.spool = spool
                self.readPath = spool.readablePath
            } catch {
                throw .usage("orderbatch: \(error); nothing was sent")
            }
        } else {
            self.spool = nil
            self.readPath = path
        }
    }

    /// The folder beside the state database `db` where spooled inputs are kept: `DB.inputs`; for a database
    /// given as a URL (`postgresql://…`), beside the job file: `JOBDIR/NAME.inputs`.
    ///
    /// - Parameters:
    ///   - db: The state database: a file path or a URL.
    ///   - job: The job, for a database that is not a file.
    /// - Returns: The folder.
    public static func spoolDirectory(forDatabase db: String, job: Job) -> String {
        guard db.contains("://") else { return db + ".inputs" }
        return (job.directory.isEmpty ? "" : job.directory + "/") + job.name + ".inputs"
    }

    /// `path` made absolute against the current directory, `.` and `..` folded, so that a run records an input
    /// `resume` finds from any directory.
    public static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") where part != "." {
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
