import Foundation
import OrderBatchCore

extension OrderBatch.Status {
    /// `workers  2 live`, then one line per live worker; nothing for a SQLite database (nil).
    ///
    /// - Parameter workers: The run's workers (PostgreSQL), or nil.
    /// - Returns: The detail's lines.
    static func workerLines(_ workers: [RunWorker]?) -> [(String, String)] {
        guard let workers else { return [] }
        let live = workers.filter(\.isLive)
        return [("workers", live.isEmpty ? "none live" : "\(live.count) live")]
            + live.map { worker in
                (
                    "",
                    "pid \(worker.pid) on host \(worker.host), heartbeat \(Int(worker.heartbeatAgeSeconds.rounded())) s "
                        + "ago, \(worker.rowsClaimed) rows claimed"
                )
            }
    }

    /// The `"workers"` member of `--json` (PostgreSQL), or none for a SQLite database (nil).
    ///
    /// - Parameter workers: The run's workers, or nil.
    /// - Returns: Zero or one member.
    static func workersMember(_ workers: [RunWorker]?) -> [(key: String, value: JSONValue)] {
        guard let workers else { return [] }
        func age(_ seconds: Double) -> JSONValue {
            JSONNumber(literal: String(format: "%.1f", seconds)).map(JSONValue.number) ?? .null
        }
        let list: [JSONValue] = workers.map {
            .object([
                ("pid", .number(JSONNumber(Int($0.pid)))), ("host", .string($0.host)),
                ("heartbeat_age_seconds", age($0.heartbeatAgeSeconds)),
                ("rows_claimed", .number(JSONNumber($0.rowsClaimed))), ("live", .bool($0.isLive)),
            ])
        }
        return [(key: "workers", value: .array(list))]
    }
}
