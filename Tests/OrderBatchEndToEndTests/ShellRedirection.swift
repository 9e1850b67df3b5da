import Foundation

/// `orderbatch ARGS` run by bash with a redirection an operator writes (`2>/dev/full`, `2>&-`,
/// `2>&1 | head -1`, `| head -1`), so the test meets exactly what the shell sets up. The exit status is
/// orderbatch's own (`PIPESTATUS[0]`), not that of `head`.
enum ShellRedirection {
    static func run(
        _ arguments: [String], _ redirection: String, environment: [String: String?] = [:], timeout: Double = 120
    ) async throws -> (exit: ChildProcess.Exit, stdout: String, stderr: String) {
        let binary = try BinaryLocator.orderbatch().path
        let script = #""$0" "$@" "# + redirection + #"; exit ${PIPESTATUS[0]}"#
        return try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script, binary] + arguments,
            environment: OrderBatchCLI.demoEnvironment.merging(environment) { $1 }, timeout: timeout)
    }
}
