/// The HTTP transport of one execution, and how to shut it down once the run has ended.
public struct RunTransport: Sendable {
    public var transport: any HTTPTransport
    /// Called once after the driver returned or threw.
    public var shutdown: @Sendable () async -> Void

    public init(transport: any HTTPTransport, shutdown: @escaping @Sendable () async -> Void = {}) {
        self.transport = transport
        self.shutdown = shutdown
    }

    /// libcurl with the job's concurrency, starting no transfer once the lease fence is closed.
    public static func curl(job: Job, fence: LeaseFence) -> RunTransport {
        let curl = CurlTransport(maxConcurrentTransfers: job.concurrency, startGate: { fence.allowsStart() })
        return RunTransport(transport: curl, shutdown: { await curl.shutdown() })
    }
}
