import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the lines of `run`, `resume` and `retry` go: standard error, as ``LogLine``s in the invocation's
/// format, stamped with the time and run id when standard error is not a terminal, and held back under
/// `--quiet` until the run is known not to have succeeded.
///
/// Other commands write through it unconfigured: plain text, no stamp, nothing held.
///
/// Safe to call from any thread; writes go through the process's one ``ConsoleStream``, so a lost standard
/// error stops the lines, never the run.
public final class LogSink: Sendable {
    /// The process's standard error.
    public static let standardError = LogSink(stream: .standardError)

    /// What an invocation sets, and the lines `--quiet` holds.
    private struct State {
        var format = LogFormat.text
        var stamped = false
        var quiet = false
        var runID: String?
        var held: [LogLine] = []
    }

    /// How many lines `--quiet` holds at most; older ones are dropped (a note says how many).
    public static let heldLimit = 200

    private let stream: ConsoleStream
    private let state = Locked(State())
    private let dropped = Locked(0)

    /// A sink writing to `stream`, unconfigured (plain text).
    public init(stream: ConsoleStream) {
        self.stream = stream
    }

    /// The sink for `fileDescriptor`: the shared ``standardError`` for 2, else a new unconfigured one.
    public static func on(_ fileDescriptor: Int32) -> LogSink {
        fileDescriptor == STDERR_FILENO ? standardError : LogSink(stream: ConsoleStream.on(fileDescriptor))
    }

    /// Sets the invocation's format, whether lines are stamped, and `--quiet`.
    ///
    /// - Parameters:
    ///   - format: `--log-format`.
    ///   - stamped: nil: when the stream is not a terminal.
    ///   - quiet: Hold back `info` and `warning` lines (see ``releaseHeld()``).
    public func configure(format: LogFormat, stamped: Bool? = nil, quiet: Bool) {
        let stamped = stamped ?? (isatty(stream.fileDescriptor) != 1)
        state.withLock {
            $0.format = format
            $0.stamped = stamped
            $0.quiet = quiet
        }
    }

    /// The run the invocation concerns from now on.
    public func concern(runID: String) {
        state.withLock { $0.runID = runID }
    }

    /// The format in effect.
    public var format: LogFormat { state.withLock { $0.format } }

    /// Whether `--quiet` is in effect.
    public var isQuiet: Bool { state.withLock { $0.quiet } }

    /// Writes `message` (or holds it, under `--quiet`, unless it is an error or `holdable` is false).
    public func write(
        _ level: LogLevel, _ message: String, fields: [(key: String, value: JSONValue)] = [], holdable: Bool = true
    ) {
        let text: String? = state.withLock { state in
            let line = LogLine(level: level, runID: state.runID, message: message, fields: fields)
            if state.quiet && level != .error && holdable {
                state.held.append(line)
                if state.held.count > Self.heldLimit {
                    state.held.removeFirst()
                    dropped.withLock { $0 += 1 }
                }
                return nil
            }
            return line.rendered(state.format, stamped: state.stamped)
        }
        if let text { stream.write(text) }
    }

    /// Writes the lines `--quiet` held, with the times they were written at, and holds no more: the run did
    /// not succeed, so the operator reads what led to it.
    public func releaseHeld() {
        let text: String = state.withLock { state in
            let lines = state.held
            state.held = []
            state.quiet = false
            let skipped = dropped.withLock { $0 }
            let head =
                skipped > 0
                ? [
                    LogLine(
                        time: lines.first?.time ?? Date(), level: .info, runID: state.runID,
                        message: "orderbatch: (\(skipped) earlier lines left out)")
                ]
                : []
            return (head + lines).map { $0.rendered(state.format, stamped: state.stamped) }.joined()
        }
        if !text.isEmpty { stream.write(text) }
    }
}
