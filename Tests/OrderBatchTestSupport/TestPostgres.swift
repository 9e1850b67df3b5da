import Foundation

/// The PostgreSQL server the tests use, and a fresh schema on it for each test.
///
/// `make test` (through `scripts/with-postgres.sh`) starts a throwaway cluster and exports its URL in
/// ``environmentVariable``. No test is skipped without one: ``freshURL(_:)`` throws ``Missing``, whose message
/// says how to start one.
public enum TestPostgres {
    /// Where the server's URL comes from.
    public static let environmentVariable = "ORDERBATCH_TEST_POSTGRES_URL"

    /// No server: how to get one.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "no PostgreSQL server for the tests: \(TestPostgres.environmentVariable) is not set. Run the suite with "
                + "`make test`, or wrap the command: `scripts/with-postgres.sh swift test --skip-build --filter NAME` "
                + "(it starts a throwaway cluster with initdb and exports the URL), or export the URL of a server "
                + "where the user may create schemas"
        }
    }

    /// The server's URL.
    ///
    /// - Returns: The URL from the environment.
    /// - Throws: ``Missing`` when it is not set.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty else { throw Missing() }
        return url
    }

    /// A URL to the test server whose tables live in a schema of their own, new for this call (the store
    /// creates it when it first connects), so that tests running in parallel never see each other's runs.
    ///
    /// The throwaway cluster is deleted after the suite, schemas and all.
    ///
    /// - Parameter label: A word in the schema's name, to find a test's tables when debugging.
    /// - Returns: The URL with `options=-csearch_path=<schema>`.
    /// - Throws: ``Missing`` when no server is configured.
    public static func freshURL(_ label: String = "t") throws -> String {
        let base = try serverURL()
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let safe = label.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20)
        let schema = "ob_\(safe)_\(suffix)"
        return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}
