import Foundation

/// A child process of an end-to-end test: the real binary, with its standard output read
/// line by line and its standard error kept, signals sent by pid, and exit awaited with a
/// deadline (never blocking a test thread).
final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    struct Exit: Equatable, CustomStringConvertible {
        /// The exit status, or the signal number when ``bySignal``.
        var status: Int32
        /// Whether a signal ended it.
        var bySignal: Bool
        var description: String { bySignal ? "killed by signal \(status)" : "exit \(status)" }
    }

    /// A deadline passed.
    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    private let process = Process()
    private let lock = NSLock()
    private var stdoutBuffer: [UInt8] = []
    private var stderrBuffer: [UInt8] = []
    /// Whether each pipe has reached end of file (the process and any child holding it have closed it).
    private var stdoutClosed = false
    private var stderrClosed = false
    /// Kept open while the reading threads read them.
    private var pipes: [Pipe] = []

    /// Starts `executable` with `arguments`; `environment` entries are added to (or, with a
    /// `nil` value, removed from) this process's environment.
    init(_ executable: URL, _ arguments: [String], environment: [String: String?] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        pipes = [out, err]
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        // One reading thread per pipe, blocking in read(2) until end of file: every byte the child wrote
        // is kept, however late a loaded machine schedules the reader (Foundation's readability handlers
        // do not always report end of file here, and a drain that stops after a quiet spell lost the tail
        // of a large output under load).
        for (pipe, toStdout) in [(out, true), (err, false)] {
            let fd = pipe.fileHandleForReading.fileDescriptor
            Thread.detachNewThread { [weak self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let n = read(fd, &buffer, buffer.count)
                    if n > 0 {
                        self?.append(Data(buffer[0..<n]), toStdout: toStdout)
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else {
                        self?.append(Data(), toStdout: toStdout)
                        return
                    }
                }
            }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private func append(_ data: Data, toStdout: Bool) {
        lock.withLock {
            if toStdout { stdoutBuffer.append(contentsOf: data) } else { stderrBuffer.append(contentsOf: data) }
            if data.isEmpty {
                if toStdout { stdoutClosed = true } else { stderrClosed = true }
            }
        }
    }

    /// Whether both pipes have been read to end of file.
    private var outputComplete: Bool { lock.withLock { stdoutClosed && stderrClosed } }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Whether the process is still running (not yet reaped).
    var isRunning: Bool { process.isRunning }

    /// Everything written to standard output so far.
    var stdout: String { lock.withLock { String(decoding: stdoutBuffer, as: UTF8.self) } }

    /// Everything written to standard error so far, each line's message only: the UTC time and run id that
    /// `run`, `resume` and `retry` put before every line when standard error is not a terminal (here, a pipe)
    /// are taken off, so that tests pin the messages. ``rawStderr`` keeps them (`CronModeTests` pins them).
    var stderr: String { LogStamp.strip(rawStderr) }

    /// Everything written to standard error so far, as written.
    var rawStderr: String { lock.withLock { String(decoding: stderrBuffer, as: UTF8.self) } }

    /// Waits until standard output holds a complete first line, and returns it (without the newline).
    /// The deadline only guards against a hang: under heavy load (a build beside the suite) the
    /// line has been seen to take over 10 s to arrive, against 60 ms on a quiet machine.
    func firstLine(timeout: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        // The buffer is checked once more after the deadline: on a loaded machine this task may resume
        // long after its sleep, and the line may have arrived in the meantime.
        while true {
            let (line, closed): (String?, Bool) = lock.withLock {
                guard let newline = stdoutBuffer.firstIndex(of: 0x0A) else { return (nil, stdoutClosed) }
                return (String(decoding: stdoutBuffer[..<newline], as: UTF8.self), stdoutClosed)
            }
            if let line { return line }
            if closed || Date() >= deadline { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw Timeout(what: "a first line on stdout (stderr: \(stderr))")
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end.
    func exit(timeout: Double = 60) async throws -> Exit {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else { throw Timeout(what: "the process to exit") }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        // Read what the process wrote last, to end of file on both pipes (bounded, in case a grandchild
        // inherited a pipe and outlives it).
        let drained = Date().addingTimeInterval(30)
        while !outputComplete, Date() < drained {
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        return Exit(status: process.terminationStatus, bySignal: process.terminationReason == .uncaughtSignal)
    }

    /// Runs `executable` to completion and returns its exit and output.
    static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String?] = [:], timeout: Double = 120
    ) async throws -> (exit: Exit, stdout: String, stderr: String) {
        let child = try ChildProcess(executable, arguments, environment: environment)
        let exit = try await child.exit(timeout: timeout)
        return (exit, child.stdout, child.stderr)
    }
}

/// The stamp `run`, `resume` and `retry` put before each line of standard error off a terminal:
/// `2026-12-01T02:00:03.120Z RUN_ID ` (`-` before the run is known).
///
/// Read byte by byte rather than with a `Regex`: tests poll `stderr` every few milliseconds while a run goes
/// on, and must not compete with it for the CPU.
enum LogStamp {
    /// `text` with the stamp taken off the start of every line that has one.
    static func strip(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "Z")) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            stampLength(line.utf8).map { line.utf8.dropFirst($0) }.map { Substring($0) } ?? line
        }.joined(separator: "\n")
    }

    /// The length in bytes of the stamp `line` starts with (`YYYY-MM-DDTHH:MM:SS.mmmZ RUN `), or nil.
    static func stampLength(_ line: Substring.UTF8View) -> Int? {
        let shape = Array("dddd-dd-ddTdd:dd:dd.dddZ ".utf8)
        var index = line.startIndex
        for expected in shape {
            guard index < line.endIndex else { return nil }
            let byte = line[index]
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard expected == UInt8(ascii: "d") ? digit : byte == expected else { return nil }
            index = line.index(after: index)
        }
        // The run id: one or more bytes up to a space.
        let idStart = index
        while index < line.endIndex, line[index] != UInt8(ascii: " ") { index = line.index(after: index) }
        guard index > idStart, index < line.endIndex else { return nil }
        return line.distance(from: line.startIndex, to: index) + 1
    }
}
