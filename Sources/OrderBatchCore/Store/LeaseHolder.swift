import Foundation

/// Another process's lease on a job or a run, as stored.
public struct LeaseHolder: Sendable, Equatable, CustomStringConvertible {
    /// What a lease covers.
    public enum Scope: String, Sendable, Hashable {
        /// Every run of one job name.
        case job
        /// One run id.
        case run
    }

    public var scope: Scope
    /// The job name or run id.
    public var name: String
    /// The run the holder is executing.
    public var runID: String
    public var pid: Int32
    public var host: String
    public var acquiredAt: Date
    /// The holder's last heartbeat.
    public var heartbeatAt: Date

    public init(
        scope: Scope, name: String, runID: String, pid: Int32, host: String, acquiredAt: Date, heartbeatAt: Date
    ) {
        self.scope = scope
        self.name = name
        self.runID = runID
        self.pid = pid
        self.host = host
        self.acquiredAt = acquiredAt
        self.heartbeatAt = heartbeatAt
    }

    /// How long a heartbeat keeps a lease live (`run`, `resume` and `retry` beat every 5 s).
    public static let defaultTTLSeconds: Double = 60

    /// Whether a process may still be executing under this lease: its heartbeat is younger than
    /// `ttlSeconds`, and, when it was taken on `host` (this machine), its pid still exists.
    public func isLive(
        now: Date, ttlSeconds: Double = defaultTTLSeconds, host: String = LeaseOwner.currentHost()
    ) -> Bool {
        let expired = now.timeIntervalSince(heartbeatAt) > ttlSeconds
        let orphaned = self.host == host && LeaseOwner.isDead(pid: pid)
        return !expired && !orphaned
    }

    /// E.g. `pid 4242 on host web-1 (run 20250101-ab12, last heartbeat 2025-01-01T02:00:05Z)`.
    public var description: String {
        let time = ISO8601DateFormatter().string(from: heartbeatAt)
        return "pid \(pid) on host \(host) (run \(runID), last heartbeat \(time))"
    }
}

/// The answer to ``RunStore/acquireLease(jobName:runID:owner:ttlSeconds:)``.
public enum LeaseResult: Sendable, Equatable {
    /// The caller now holds both the job lease and the run lease. `takenOver` lists stale leases that were
    /// replaced (dead pid on this host, or heartbeat older than the ttl), for a log line.
    case acquired(takenOver: [LeaseHolder])
    /// A live lease blocks the caller (exit 75).
    case heldBy(LeaseHolder)
}
