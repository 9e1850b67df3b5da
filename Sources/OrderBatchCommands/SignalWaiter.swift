import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits for SIGINT/SIGTERM without being killed by them: the signals are ignored at the
/// process level and delivered through dispatch sources instead. The first one wakes
/// ``next()``; any later one (an impatient second Ctrl-C) exits at once with 128 + signal.
final class SignalWaiter: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Int32, Never>?)
        case received(Int32)
        case consumed
    }

    // Kept so the sources live as long as the waiter.
    private nonisolated(unsafe) let sources: [any DispatchSourceSignal]
    private let state = LockedBox(State.waiting(nil))

    init(signals: [Int32]) {
        let state = self.state
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { SignalWaiter.deliver(number, to: state) }
            source.resume()
            return source
        }
    }

    /// Waits for the first signal and returns its number.
    func next() async -> Int32 {
        await withCheckedContinuation { continuation in
            let ready: Int32? = state.withLock { state in
                switch state {
                case .received(let number):
                    state = .consumed
                    return number
                case .waiting, .consumed:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private static func deliver(_ number: Int32, to state: LockedBox<State>) {
        let continuation: CheckedContinuation<Int32, Never>?? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                state = continuation == nil ? .received(number) : .consumed
                return .some(continuation)
            case .received, .consumed:
                return .none
            }
        }
        switch continuation {
        case .some(.some(let continuation)): continuation.resume(returning: number)
        case .some(.none): break
        case .none: exit(128 + number)
        }
    }
}

/// A value behind an `NSLock`.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
