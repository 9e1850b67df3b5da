import Foundation
import Testing

/// `make install PREFIX=… DESTDIR=…`: the binary, the three shells' completions and a man page where each shell
/// and `man` look for them, and an installed binary that runs. The test installs the binary the suite runs
/// (`BIN=`) and makes the man page from the help texts (`MAN=help`), so it builds nothing; `make install` alone
/// builds a release binary and uses swift-argument-parser's generate-manual plugin.
@Suite struct InstallTests {
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    @Test func makeInstallWritesTheBinaryTheCompletionsAndTheManPageUnderDestdirAndPrefix() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let binary = try BinaryLocator.orderbatch().path
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "make", "-s", "-C", Self.repository, "install", "PREFIX=/opt/ob", "DESTDIR=\(workspace.directory)",
                "BIN=\(binary)", "MAN=help",
            ], timeout: 120)
        #expect(result.exit.status == 0, "\(result.stdout) \(result.stderr)")
        let root = workspace.directory + "/opt/ob"
        #expect(result.stdout.contains("installed orderbatch 0.1.0 under \(root) "), "\(result.stdout)")

        let installed = root + "/bin/orderbatch"
        #expect(FileManager.default.isExecutableFile(atPath: installed))
        let version = try await ChildProcess.run(URL(fileURLWithPath: installed), ["--version"])
        #expect(version.exit.status == 0 && version.stdout == "0.1.0\n")
        let help = try await ChildProcess.run(URL(fileURLWithPath: installed), ["plan", "--help"])
        #expect(help.exit.status == 0 && help.stdout.contains("USAGE: orderbatch plan <job>"))

        let read = { (path: String) in (try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? "" }
        // Each shell's completion names the subcommands.
        for (path, marker) in [
            ("share/bash-completion/completions/orderbatch", "complete -o filenames -F _orderbatch orderbatch"),
            ("share/zsh/site-functions/_orderbatch", "#compdef orderbatch"),
            ("share/fish/vendor_completions.d/orderbatch.fish", "complete -c 'orderbatch'"),
        ] {
            let text = read(path)
            #expect(text.contains(marker), "\(path): \(text.prefix(200))")
            #expect(text.contains("plan") && text.contains("init"), "\(path)")
        }
        let man = read("share/man/man1/orderbatch.1")
        #expect(man.hasPrefix(".TH ORDERBATCH 1 "), "\(man.prefix(200))")
        #expect(man.contains(".SS orderbatch plan") && man.contains(".SS orderbatch init"))
        #expect(man.contains("USAGE: orderbatch run [<options>] <job>"))
    }
}
