import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows a run's progress on standard error: a live line on a terminal, log lines otherwise.
///
/// The executor calls ``update(_:)`` as often as it likes (on every completion, or from a
/// ticker every few hundred milliseconds, so the line moves even while every request hangs);
/// the reporter throttles by the snapshot's own `elapsedSeconds`:
///
/// - **Terminal** (`isatty(stderr)`): one line, rewritten in place with `\r` and
///   clear-to-end-of-line (`ESC [ K`) at most ``liveInterval`` apart (5 times a second),
///   cut to the terminal's width so it never wraps.
/// - **Not a terminal** (cron, a log file): ``ProgressFormat/logLine(_:rate:)`` plus a newline
///   every ``logInterval`` seconds (5 by default).
///
/// ``finish(_:)`` writes the final state and ends the line. Write errors are ignored:
/// progress output must never fail a run (see ``ConsoleStream``). Safe to call from any thread.
public final class ProgressReporter: @unchecked Sendable {
    /// How the reporter writes.
    public enum Mode: Sendable, Equatable {
        /// A line rewritten in place, cut to `width` columns when the width is known.
        case live(width: Int?)
        /// A new line every ``ProgressReporter/logInterval`` seconds.
        case log
    }

    /// The chosen mode.
    public let mode: Mode
    /// The smallest gap between two live redraws, in seconds.
    public let liveInterval: Double
    /// The gap between two log lines, in seconds.
    public let logInterval: Double
    private let stream: ConsoleStream
    /// Where log-mode lines go: stamped, JSON or held as the invocation set (``LogSink``).
    private let sink: LogSink
    /// What updates share: the rate estimate, the last redraw, whether the final state was written.
    private struct State {
        var rate = RateEstimator()
        var lastRender: Double?
        var finished = false
    }

    private let state = Locked(State())

    /// Creates a reporter writing to `fileDescriptor`.
    ///
    /// - Parameters:
    ///   - fileDescriptor: Where to write (standard error by default).
    ///   - mode: `nil` picks ``Mode/live(width:)`` when the descriptor is a terminal, else ``Mode/log``.
    ///   - liveInterval: Seconds between live redraws.
    ///   - logInterval: Seconds between log lines.
    public init(
        fileDescriptor: Int32 = STDERR_FILENO, mode: Mode? = nil, liveInterval: Double = 0.2, logInterval: Double = 5
    ) {
        self.stream = ConsoleStream.on(fileDescriptor)
        self.sink = LogSink.on(fileDescriptor)
        // JSON lines are for a shipper even on a terminal: no live line among them.
        let live = isatty(fileDescriptor) == 1 && sink.format == .text
        self.mode = mode ?? (live ? .live(width: Self.terminalWidth(fileDescriptor)) : .log)
        self.liveInterval = liveInterval
        self.logInterval = logInterval
    }

    /// Records `snapshot` and redraws (terminal) or logs (otherwise) if enough time has passed.
    public func update(_ snapshot: ProgressSnapshot) {
        let interval: Double
        switch mode {
        case .live: interval = liveInterval
        case .log: interval = logInterval
        }
        let text: String? = state.withLock { state in
            guard !state.finished else { return nil }
            state.rate.record(done: snapshot.done, at: snapshot.elapsedSeconds)
            if let lastRender = state.lastRender, snapshot.elapsedSeconds - lastRender < interval { return nil }
            state.lastRender = snapshot.elapsedSeconds
            return render(snapshot, final: false, estimate: state.rate.rowsPerSecond)
        }
        if let text { emit(text, snapshot) }
    }

    /// Writes the final state and ends the live line; later updates are ignored.
    public func finish(_ snapshot: ProgressSnapshot) {
        let text: String? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            state.rate.record(done: snapshot.done, at: snapshot.elapsedSeconds)
            return render(snapshot, final: true, estimate: state.rate.rowsPerSecond)
        }
        if let text { emit(text, snapshot) }
    }

    /// The bytes one update writes; internal for tests.
    func render(_ snapshot: ProgressSnapshot, final: Bool) -> String {
        render(snapshot, final: final, estimate: state.withLock { $0.rate.rowsPerSecond })
    }

    /// The bytes one update writes, given the current rate estimate.
    private func render(_ snapshot: ProgressSnapshot, final: Bool, estimate: Double?) -> String {
        // At the end, the average over this invocation is the number worth keeping on screen: rows settled
        // by an earlier invocation (before a `resume` or `retry`) took none of its time.
        let rowsPerSecond =
            final && snapshot.elapsedSeconds > 0
            ? Double(snapshot.doneNow) / snapshot.elapsedSeconds : estimate
        switch mode {
        case .live(let width):
            var line = ProgressFormat.liveLine(snapshot, rate: rowsPerSecond)
            if let width, width > 1, line.count > width - 1 { line = String(line.prefix(width - 1)) }
            return "\r" + line + "\u{1B}[K" + (final ? "\n" : "")
        case .log:
            return ProgressFormat.logLine(snapshot, rate: rowsPerSecond) + "\n"
        }
    }

    /// Through the process's one ``ConsoleStream`` for the descriptor: once a write fails (a full disk, a
    /// closed pipe, a hung-up terminal), progress output stops and the run goes on. A log line goes through
    /// the ``LogSink`` (stamped with the time and run id, or JSON with the snapshot's counts as fields).
    private func emit(_ text: String, _ snapshot: ProgressSnapshot) {
        switch mode {
        case .live: stream.write(text)
        case .log:
            sink.write(
                .info, text.hasSuffix("\n") ? String(text.dropLast()) : text, fields: Self.logFields(snapshot))
        }
    }

    /// The snapshot's counts as a JSON log line's fields.
    static func logFields(_ snapshot: ProgressSnapshot) -> [(key: String, value: JSONValue)] {
        let elapsed = JSONNumber(literal: String(format: "%.3f", snapshot.elapsedSeconds)).map(JSONValue.number)
        return [
            ("event", .string("progress")), ("done", .integer(snapshot.done)), ("total", .integer(snapshot.total)),
            ("succeeded", .integer(snapshot.succeeded)), ("failed", .integer(snapshot.failed)),
            ("skipped", .integer(snapshot.skipped)), ("unknown", .integer(snapshot.unknown)),
            ("in_flight", .integer(snapshot.inFlight)), ("retries", .integer(snapshot.retries)),
            ("elapsed_seconds", elapsed ?? .null),
        ]
    }

    /// The terminal's width in columns, or `nil` when unknown.
    static func terminalWidth(_ fileDescriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
