import Foundation

/// One process working on a run, as `status` shows it: with PostgreSQL, every worker that joined (`run`,
/// `resume`, `retry` or `work`); with SQLite, the one process holding the run's lease.
public struct RunWorker: Sendable, Equatable {
    /// The worker's token (a fresh id per process and acquisition).
    public var id: String
    public var host: String
    public var pid: Int32
    /// Seconds since its last heartbeat, by the database's clock (PostgreSQL) or this host's (SQLite).
    public var heartbeatAgeSeconds: Double
    /// Rows it claimed since it joined (PostgreSQL), or its rows in flight (SQLite).
    public var rowsClaimed: Int
    /// Whether it may still be working: its heartbeat is within its lease TTL and, on this host, its pid lives.
    public var isLive: Bool

    public init(
        id: String, host: String, pid: Int32, heartbeatAgeSeconds: Double, rowsClaimed: Int, isLive: Bool
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.heartbeatAgeSeconds = heartbeatAgeSeconds
        self.rowsClaimed = rowsClaimed
        self.isLive = isLive
    }
}
