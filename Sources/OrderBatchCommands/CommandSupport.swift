import ArgumentParser
import Foundation
import OrderBatchCore

/// Helpers shared by the subcommands: printing, and the checks that end a command with a ``RunError``.
enum CommandSupport {
    /// Writes `text` and a newline to standard error as a ``LogLine`` (for `run`, `resume` and `retry`: stamped
    /// off a terminal, JSON with `--log-format json`, held back by `--quiet` unless an error); once standard
    /// error is lost (full disk, closed pipe, closed descriptor), nothing more is written there and the command
    /// goes on.
    static func printError(
        _ text: String, level: LogLevel = .error, fields: [(key: String, value: JSONValue)] = [],
        holdable: Bool = true
    ) {
        LogSink.standardError.write(level, text, fields: fields, holdable: holdable)
    }

    /// Writes `text` and a newline to standard output; once standard output is lost, nothing more is
    /// written there (``requireOutputWritten()`` tells a command whose output is its product).
    static func output(_ text: String) {
        ConsoleStream.standardOutput.write(text + "\n")
    }

    /// Whether standard output is still being written (false once a write failed).
    static var outputIsOpen: Bool { ConsoleStream.standardOutput.failure == nil }

    /// For `report`, `validate` and `run --dry-run`, whose output is the product: exits 1 when standard
    /// output was lost (a ``RunError`` with status 1). Quietly when its reader went away (`EPIPE`: `… | head -1` read what it wanted);
    /// with one line on standard error for any other failure (`ENOSPC`, `EIO`…), as the output is incomplete.
    static func requireOutputWritten() throws {
        guard let code = ConsoleStream.standardOutput.failure else { return }
        guard code != EPIPE else { throw RunError(.outputFailed, "") }
        throw RunError(
            .outputFailed,
            "orderbatch: writing to standard output failed: \(String(cString: strerror(code))) (errno \(code)); the output is incomplete"
        )
    }

    /// Loads a job.
    ///
    /// - Throws: ``RunError/usage(_:)`` (exit 64) with the job error.
    static func loadJob(_ path: String) throws -> Job {
        do {
            return try JobParser.load(path: path)
        } catch {
            throw RunError.usage("orderbatch: job file error: \(error)")
        }
    }

    /// The input path: `--input` if given, else the job's, else a ``RunError/usage(_:)`` (exit 64).
    static func inputPath(job: Job, override: String?) throws -> String {
        if let override { return override }
        if let input = job.input { return input }
        throw RunError.usage("orderbatch: \(job.path): no input file: add `input:` to the job or pass --input FILE")
    }

    /// The input's format, or a ``RunError/usage(_:)`` (exit 64) when neither the job nor the extension says.
    static func inputFormat(job: Job, path: String) throws -> InputFormat {
        if let f = job.inputFormat(for: path) { return f }
        throw RunError.usage(
            "orderbatch: \(path): cannot tell the format from the extension; name it .csv or .jsonl, or set `format:` in the job"
        )
    }

    /// Exit for an input file that could not be read: 64 when it is missing or unreadable (a
    /// wrong path), 2 when its content stops the reader (broken quoting, truncation).
    static func exitStatus(for error: InputError) -> ExitStatus {
        error.exitStatus
    }

    /// `FILE:LINE: column: message`.
    static func format(_ issue: InputIssue, path: String) -> String {
        issue.formatted(path: path)
    }
}
