extension RunDriver {
    /// How the execution ended.
    public struct Result: Sendable {
        public var stopReason: ExecutorStateMachine.StopReason?
        public var counters: ExecutorCounters
        public var elapsedSeconds: Double
        /// Rows the rescuer pass took back from workers whose lease expired, during this execution: they are
        /// `unknown` now, and, claimed earlier in seq order than this execution's position, are left to the
        /// next one.
        public var rescuedRows = 0

        public init(
            stopReason: ExecutorStateMachine.StopReason?, counters: ExecutorCounters, elapsedSeconds: Double,
            rescuedRows: Int = 0
        ) {
            self.stopReason = stopReason
            self.counters = counters
            self.elapsedSeconds = elapsedSeconds
            self.rescuedRows = rescuedRows
        }
    }
}
