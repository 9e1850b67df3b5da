import Foundation

/// A value shared between threads, reachable only inside ``withLock(_:)``: the project's one lock type.
///
/// `Synchronization.Mutex` would say the same in the type system, but it needs macOS 15 and the
/// package supports macOS 13, so this wraps an `NSLock`. Keep the body short and free of I/O that
/// can block (a store call, `SQLiteRunStore`'s or `PostgresRunStore`'s, is the one deliberate exception:
/// its connection is confined by the lock, and the store runs off the cooperative pool, see ``RunStoreActor``).
///
/// ```swift
/// let hits = Locked(0)
/// hits.withLock { $0 += 1 }
/// ```
///
/// `@unchecked Sendable`: `value` is only touched while `lock` is held. Like `Mutex`, it does not
/// require `Value` to be `Sendable`: a non-Sendable value (a database connection) is confined by
/// the lock, and callers must not let a reference to it escape the body.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// Creates a lock around `value`.
    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value and returns what it returns.
    ///
    /// A `body` that never returns (`exit`) leaves the lock held, so nobody else sees the value
    /// after it: the signal handler relies on that.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

extension Locked where Value: Sendable {
    /// A copy of the value.
    public var current: Value { withLock { $0 } }
}
