import Foundation

/// Peak resident memory of processes, for the memory drills.
enum PeakMemory {
    /// `/usr/bin/time` (Debian package `time`), when installed.
    static let timeBinary = URL(fileURLWithPath: "/usr/bin/time")

    /// Whether ``measured(_:)`` can wrap a command in `/usr/bin/time`.
    static var canMeasureChildren: Bool { FileManager.default.isExecutableFile(atPath: timeBinary.path) }

    /// The executable and arguments that run `executable arguments` under `/usr/bin/time`, which
    /// writes the child's peak RSS in KiB (`%M`, from `wait4`'s `ru_maxrss`) to `output` when it
    /// exits; its own exit status is the child's.
    static func measured(_ executable: URL, _ arguments: [String], output: String) -> (URL, [String]) {
        (timeBinary, ["-f", "%M", "-o", output, executable.path] + arguments)
    }

    /// The peak RSS in bytes written by ``measured(_:_:output:)``, or `nil`.
    static func measuredBytes(_ output: String) -> Int? {
        guard let text = try? String(contentsOfFile: output, encoding: .utf8) else { return nil }
        // The last line: time prints "Command exited with non-zero status N" first when it is not 0.
        guard let line = text.split(separator: "\n").last, let kib = Int(line.trimmingCharacters(in: .whitespaces))
        else { return nil }
        return kib * 1024
    }

    /// `VmHWM` (peak RSS) of a live process, in bytes, from `/proc/PID/status`.
    static func highWaterMark(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst("VmHWM:".count).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
