import Foundation

extension RunDriver {
    /// The lease the driver keeps alive, and the rules it keeps with it.
    ///
    /// - Every heartbeat (``heartbeatSeconds``, a twelfth of the TTL, at most 5 s) renews the
    ///   lease in the store, which checks that this process still owns it, and checks that the
    ///   database file is still the one opened (``RunStore/checkStorage()``).
    /// - No request starts unless the lease was renewed within the ``LeaseFence``'s window (a
    ///   third of the TTL) by the monotonic clock; past it (the process was frozen) the driver
    ///   renews first, and stops at once if another process took the run over.
    /// - Claims and result groups are written only if this process still holds the lease,
    ///   checked in the same transaction: a fenced-out process records nothing, and its claimed
    ///   rows are the new holder's to reconcile.
    public struct RunLease: Sendable {
        public var jobName: String
        public var owner: LeaseOwner
        public var ttlSeconds: Double
        public var fence: LeaseFence

        public init(jobName: String, owner: LeaseOwner, ttlSeconds: Double, fence: LeaseFence) {
            self.jobName = jobName
            self.owner = owner
            self.ttlSeconds = ttlSeconds
            self.fence = fence
        }

        /// Seconds between heartbeats: a twelfth of the TTL, at most 5 s.
        public var heartbeatSeconds: Double { min(5, ttlSeconds / 12) }
    }
}
