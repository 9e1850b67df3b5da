import Foundation

/// A value shared between event-loop threads, reachable only inside ``withLock(_:)``.
///
/// `NIOLockedValueBox` would do, but it lives in NIOConcurrencyHelpers, which this target does not
/// declare, and `Synchronization.Mutex` needs macOS 15 while the package supports macOS 13.
final class LockedState<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is only touched while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value. Keep `body` short and free of I/O.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Everything the emulator remembers between requests; one lock guards it all.
struct EmulatorState: Sendable {
    var stats = EmulatorStats()
    /// Provider API requests per rolling minute, for ``EmulatorStats/mostRequestsInAMinute``.
    var perMinute = RollingWindowCount(seconds: 60)
    /// Each provider's orders, caches and windows (``EmulatorProviderState``), changed in place under this lock.
    var orders: OrderBook
    /// The index the next provider API request gets, for fault and latency draws.
    var nextRequestIndex: UInt64 = 0
    /// Set by `POST /__emulator/latency/{model}`: replaces the configured latency from then on.
    var latency: EmulatorLatency?
    /// Whether the credentials are accepted; set at start, changed by applied updates and debug routes.
    var credentials = CredentialRevocation(revokeAfter: nil)
    /// Which answers are garbled; set at start, changed by `POST /__emulator/garble/{which}`.
    var garble: EmulatorGarble = .none
    /// The size answers are padded to (0: none); set at start, changed by `POST /__emulator/pad/{mb}`.
    var padAnswersToBytes = 0
    /// Whether padded answers go out chunked (no `Content-Length`).
    var padChunked = false

    /// Counts an applied update, in stats and towards a pending credential revocation.
    mutating func countApplied(orderID: String) {
        stats.countApplied(orderID: orderID)
        credentials.noteApplied()
    }
}
