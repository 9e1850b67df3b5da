/// A ``RunStore`` for async code: every call runs on a thread of the store's own (``StoreThread``),
/// never on Swift's cooperative pool, so a write waiting out another process's lock (SQLite's busy
/// timeout, up to 5 s) blocks no task but the one awaiting it.
///
/// It wraps any ``RunStore``, so the protocol stays the seam for another store (PostgreSQL). The
/// store itself stays synchronous: commands, which run one step at a time, call it directly; the
/// ``RunDriver``, which runs beside the transport's tasks, calls it through this actor.
///
/// ```swift
/// let db = RunStoreActor(store)
/// let items = try await db.perform { try $0.claimPending(runID: id, limit: 8, afterSeq: 0, fence: owner) }
/// ```
public actor RunStoreActor {
    /// The store the calls go to.
    public nonisolated let store: any RunStore
    private nonisolated let thread: StoreThread

    /// Wraps `store`, starting the thread its calls run on (it ends when this actor is released).
    public init(_ store: any RunStore) {
        self.store = store
        self.thread = StoreThread(name: "orderbatch-store")
    }

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        thread.asUnownedSerialExecutor()
    }

    /// Runs `body` with the store on the store's thread, one call at a time, and returns its result.
    ///
    /// - Throws: What `body` throws (the store's errors).
    public func perform<T: Sendable>(_ body: @Sendable (any RunStore) throws -> T) throws -> T {
        try body(store)
    }
}
