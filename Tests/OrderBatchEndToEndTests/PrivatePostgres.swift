import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of one test's own (`scripts/pg-cluster.sh`), which the test may stop as an operator or
/// a crash would and start again on the same port: the suite's shared server (`scripts/with-postgres.sh`)
/// serves every test running in parallel and must never be stopped.
///
/// ```swift
/// try await PrivatePostgres.with { server in
///     try await server.stop(mode: "immediate")
///     try await server.restart()
/// }
/// ```
final class PrivatePostgres: Sendable {
    /// The cluster's folder (data, socket, log, port).
    let directory: String
    /// `postgresql://postgres@127.0.0.1:PORT/postgres`, the same after a restart.
    let url: String

    private init(directory: String, url: String) {
        self.directory = directory
        self.url = url
    }

    /// `scripts/pg-cluster.sh`, found from this file's place in the repository.
    private static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pg-cluster.sh")
    }

    /// Runs `pg-cluster.sh ARGS`, requiring exit 0, and returns its standard output's first line.
    @discardableResult
    private static func cluster(_ arguments: [String]) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID()).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let path = script.path
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: spawnAndWait(path, arguments, output: output)) }
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try #require(status == 0, "pg-cluster.sh \(arguments.joined(separator: " ")): status \(status): \(text)")
        return text.split(separator: "\n").first.map(String.init) ?? ""
    }

    /// Runs `path ARGS` with standard output and error to the file `output`, and waits for it: its exit
    /// status, or -1 when it could not be started or was killed.
    ///
    /// `posix_spawn` and `waitpid` rather than Foundation's `Process`, which was seen here never to notice the
    /// exit of a script whose `pg_ctl start` leaves a server running (the script stayed a zombie, `isRunning`
    /// true). Blocks: called on a thread of its own.
    private static func spawnAndWait(_ path: String, _ arguments: [String], output: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return -1 }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import (macros).
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }

    /// Creates a cluster in a new folder and starts it on a free loopback port.
    static func start() async throws -> PrivatePostgres {
        let directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orderbatch-pgown-\(UUID().uuidString)").path
        let url = try await cluster(["start", directory])
        try #require(url.hasPrefix("postgresql://"), "pg-cluster.sh start printed \(url)")
        return PrivatePostgres(directory: directory, url: url)
    }

    /// Stops the server: `fast` (sessions ended, a clean shutdown) or `immediate` (every process killed, as
    /// in a crash; the next start recovers from the WAL).
    func stop(mode: String) async throws { try await Self.cluster(["stop", directory, mode]) }

    /// Starts the stopped server again, on the same port.
    func restart() async throws {
        let again = try await Self.cluster(["start", directory])
        try #require(again == url, "restarted on \(again), not \(url)")
    }

    /// Runs one SQL statement with `psql` (from the cluster's PostgreSQL installation), returning its rows.
    func psql(_ sql: String) async throws -> String {
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["psql", url, "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql],
            timeout: 60)
        try #require(result.exit.status == 0, "psql: \(result.stderr)")
        return result.stdout
    }

    /// Stops the server (immediate) and removes its folder.
    func delete() async throws { try await Self.cluster(["delete", directory]) }

    /// Runs `body` beside a new cluster, then deletes the cluster whatever `body` did.
    static func with<T>(_ body: (PrivatePostgres) async throws -> T) async throws -> T {
        let server = try await start()
        do {
            let value = try await body(server)
            try await server.delete()
            return value
        } catch {
            try? await server.delete()
            throw error
        }
    }
}
