/// A ``RateTokenSource`` for async code: every call runs on a thread of the source's own
/// (``StoreThread``), never on Swift's cooperative pool, as ``RunStoreActor`` does for the store; and on
/// another thread than the store's, so that taking tokens never waits behind a group of results being
/// written.
actor RateTokenActor {
    /// The source the calls go to.
    nonisolated let source: any RateTokenSource
    private nonisolated let thread: StoreThread

    /// Wraps `source`, starting the thread its calls run on (it ends when this actor is released).
    init(_ source: any RateTokenSource) {
        self.source = source
        self.thread = StoreThread(name: "orderbatch-rate")
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        thread.asUnownedSerialExecutor()
    }

    /// Runs `body` with the source on its thread and returns its result.
    ///
    /// - Throws: What `body` throws (the source's errors).
    func perform<T: Sendable>(_ body: @Sendable (any RateTokenSource) throws -> T) throws -> T {
        try body(source)
    }
}
