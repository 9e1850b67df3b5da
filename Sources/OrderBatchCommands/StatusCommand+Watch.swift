import Foundation
import OrderBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension OrderBatch.Status {
    /// `status RUN --watch`: shows the run every `intervalSeconds` until no process is at work on it, then
    /// returns the exit status it ended with (``RunEnding``).
    ///
    /// On a terminal each refresh redraws the screen; otherwise (a pipe, a file) each is a block of its own,
    /// after a blank line (`--json`: one object per line).
    ///
    /// - Parameters:
    ///   - runID: The run to watch.
    ///   - store: Its open state database.
    ///   - path: The database's path, for messages and the commands shown.
    ///   - interval: `--interval` as given, for the header.
    ///   - intervalSeconds: `--interval` in seconds.
    ///   - json: One JSON object per refresh instead of the text block.
    /// - Returns: The status the run ended with.
    /// - Throws: ``RunError``: 1 when standard output cannot be written any more (quietly when its reader went
    ///   away), 74 for a damaged database, 64 for an unknown run.
    static func watch(
        runID: String, store: any RunStore, path: String, interval: String, intervalSeconds: Double, json: Bool
    ) throws -> ExitStatus {
        let terminal = isatty(STDOUT_FILENO) == 1
        var first = true
        while true {
            let run = try StoreSelection.requireRun(runID, in: store, path: path)
            let counts = try DatabaseCheck.readingDamage(path: path) {
                try DatabaseCheck.requireConsistent(store, runID: run.id, path: path)
                return try store.counts(runID: run.id)
            }
            let process = try Self.process(of: run, in: store)
            // A `ready` run has no process entry in `status`; its lease says whether one is about to send.
            let live =
                run.state == .ready
                ? (try store.runLease(runID: run.id))?.isLive(now: Date()) == true : process?.isLive == true
            let ending = RunEnding.status(state: run.state, counts: counts, processIsLive: live)
            let invocations = try store.invocations(runID: run.id)
            if json {
                CommandSupport.output(Self.json(run, counts, process, invocations: invocations))
            } else {
                let header =
                    ending.map { "run \(run.id) has ended (exit \($0.rawValue)); at \(timestamp(Date()))" }
                    ?? "run \(run.id) at \(timestamp(Date())); every \(interval) "
                    + "until it ends (Ctrl-C stops watching, not the run)"
                let block =
                    header + "\n" + Self.detail(run, counts, process, databasePath: path, invocations: invocations)
                CommandSupport.output(terminal ? "\u{1B}[H\u{1B}[2J" + block : (first ? "" : "\n") + block)
            }
            try CommandSupport.requireOutputWritten()
            if let ending { return ending }
            first = false
            Thread.sleep(forTimeInterval: intervalSeconds)
        }
    }
}
