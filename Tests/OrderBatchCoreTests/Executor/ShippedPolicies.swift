import OrderBatchCore

/// The policies real runs use: built by ``ExecutorPolicy/init(job:)`` from job files that leave
/// every limit at its default, so tests of "the defaults" test what ships.
enum ShippedPolicies {
    /// A Juspay job with every default: concurrency 8, 1 s request timeout, no rate limit.
    static var juspay: ExecutorPolicy {
        get throws {
            ExecutorPolicy(
                job: try JobParser.parse(
                    text: "name: j\nprovider: juspay\nendpoint: production\nmerchant_id: m1\n", path: "jobs/j.yaml"))
        }
    }

    /// A Rapyd job with every default: concurrency 4, 5 s request timeout, 190/1m and 950/5m.
    static var rapyd: ExecutorPolicy {
        get throws {
            ExecutorPolicy(
                job: try JobParser.parse(text: "name: r\nprovider: rapyd\nendpoint: sandbox\n", path: "jobs/r.yaml"))
        }
    }
}
