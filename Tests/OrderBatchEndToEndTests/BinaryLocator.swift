import Foundation

/// Finds the built `orderbatch` executable for end-to-end tests.
///
/// SwiftPM puts the test runner and the executables of a package in one products directory
/// (`.build/debug`, or `<scratch-path>/debug` with `--scratch-path`): on Linux the runner is
/// `<products>/orderbatchPackageTests.xctest`, an executable; on macOS it is a bundle of that
/// name run by `xctest`. So the binary is found next to the test bundle, whichever scratch
/// path or configuration built it. `swift test` and `swift build --build-tests` both build
/// the executable. `ORDERBATCH_BINARY` overrides the search (e.g. to test a release build).
enum BinaryLocator {
    /// Why the binary was not found.
    struct NotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "orderbatch binary not found; looked in: \(searched.joined(separator: ", ")). "
                + "Build it first (`swift build --build-tests`, or plain `swift test`), or set ORDERBATCH_BINARY."
        }
    }

    /// The `orderbatch` executable.
    ///
    /// - Throws: ``NotFound`` naming every directory searched.
    static func orderbatch() throws -> URL {
        try locate("orderbatch")
    }

    /// The executable product `name` of this package.
    static func locate(_ name: String) throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if name == "orderbatch", let override = environment["ORDERBATCH_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var searched: [String] = []
        for directory in candidateDirectories() where !searched.contains(directory.path) {
            searched.append(directory.path)
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw NotFound(searched: searched)
    }

    /// Directories that may be the products directory, most specific first.
    private static func candidateDirectories() -> [URL] {
        var directories: [URL] = []
        // macOS (and Linux runners that load bundles): the directory holding the .xctest bundle.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        // Linux: the test runner is itself the executable `<products>/<package>PackageTests.xctest`.
        if let executable = Bundle.main.executableURL {
            directories.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        let selfExe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if selfExe.path != "/proc/self/exe" { directories.append(selfExe.deletingLastPathComponent()) }
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        return directories
    }
}
