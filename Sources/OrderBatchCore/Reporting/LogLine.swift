import Foundation

/// How `run`, `resume` and `retry` write their lines on standard error (`--log-format`).
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    /// The message as text; off a terminal each line starts with the time and the run id.
    case text
    /// One JSON object per line: `time`, `level`, `run_id`, `message`, then the line's own fields.
    case json
}

/// How much a line matters: `--quiet` holds back `info` and `warning` lines until the run is known not to
/// have succeeded, and writes `error` lines at once.
public enum LogLevel: String, Sendable, Equatable {
    case info, warning, error
}

/// One line on standard error, and its text in each ``LogFormat``. Pure: tests pin every character.
///
/// ```
/// orderbatch: run r1: 20 rows recorded in state.sqlite                                  (a terminal)
/// 2026-12-01T02:00:03.120Z r1 orderbatch: run r1: 20 rows recorded in state.sqlite     (cron, a log file)
/// {"time":"2026-12-01T02:00:03.120Z","level":"info","run_id":"r1","message":"orderbatch: run r1: …"}
/// ```
public struct LogLine: Sendable {
    public var time: Date
    public var level: LogLevel
    /// The run the invocation concerns, or nil before it is known (text: `-`; JSON: null).
    public var runID: String?
    /// The text, as printed on a terminal.
    public var message: String
    /// Structured fields, for JSON (a progress line's counts, an error's exit code); after the four common ones.
    public var fields: [(key: String, value: JSONValue)]

    public init(
        time: Date = Date(), level: LogLevel, runID: String?, message: String,
        fields: [(key: String, value: JSONValue)] = []
    ) {
        self.time = time
        self.level = level
        self.runID = runID
        self.message = message
        self.fields = fields
    }

    /// The line's text with its newline.
    ///
    /// - Parameters:
    ///   - format: Text or JSON.
    ///   - stamped: For text: start each line with the time and the run id (standard error is not a terminal).
    /// - Returns: For text, every line of ``message`` (a message may hold several) with the prefix when
    ///   `stamped`; for JSON, one object on one line.
    public func rendered(_ format: LogFormat, stamped: Bool) -> String {
        switch format {
        case .text:
            guard stamped else { return message + "\n" }
            let prefix = Self.timestamp(time) + " " + (runID ?? "-") + " "
            return message.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }
                .joined(separator: "\n") + "\n"
        case .json:
            let object: JSONValue = .object(
                [
                    ("time", .string(Self.timestamp(time))), ("level", .string(level.rawValue)),
                    ("run_id", runID.map { .string($0) } ?? .null), ("message", .string(message)),
                ] + fields)
            return object.compactText + "\n"
        }
    }

    /// ISO 8601 in UTC to the millisecond: `2026-12-01T02:00:03.120Z`.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC") ?? .gmt))
    }
}
