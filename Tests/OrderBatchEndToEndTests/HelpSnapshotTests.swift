import Foundation
import Testing

/// Every command's `--help`, compared with the text kept in `Tests/Snapshots/help/`: help texts are part
/// of the interface (options, exit codes), and a change to one must be a deliberate change to its snapshot.
/// `UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests` writes the current texts instead.
@Suite struct HelpSnapshotTests {
    static let commands = [
        "", "init", "validate", "plan", "run", "work", "resume", "retry", "status", "report", "log", "cancel",
        "emulator",
    ]

    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Snapshots/help")
    }

    @Test(arguments: commands)
    func helpMatchesItsSnapshot(command: String) async throws {
        let arguments = (command.isEmpty ? [] : [command]) + ["--help"]
        // A fixed width: ArgumentParser wraps to the terminal's (COLUMNS) width.
        let result = try await OrderBatchCLI.run(arguments, environment: ["COLUMNS": "80"])
        #expect(result.exit.status == 0, "\(result.stderr)")
        let file = Self.directory.appendingPathComponent((command.isEmpty ? "orderbatch" : command) + ".txt")
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try Data(result.stdout.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(result.stdout == expected, "orderbatch \(arguments.joined(separator: " ")) differs from \(file.path)")
    }
}
