/// Requests per rolling window (60 s): how many arrived in the last window, and the most that ever arrived
/// within one window, for checking a client's rate limit as a provider's server would see it
/// (``EmulatorStats/requestsLastMinute``, ``EmulatorStats/mostRequestsInAMinute``).
///
/// Keeps the arrival times of the last window only, in order.
struct RollingWindowCount: Sendable {
    /// The window's length in seconds.
    let seconds: Double
    private var times: [Double] = []
    private var head = 0
    /// The most arrivals within any window of ``seconds`` (half-open: `(t − seconds, t]`).
    private(set) var most = 0

    init(seconds: Double = 60) {
        self.seconds = seconds
    }

    /// Counts an arrival at `now` (seconds; not before the previous one's).
    mutating func record(at now: Double) {
        dropOlder(than: now)
        times.append(now)
        most = max(most, times.count - head)
    }

    /// Arrivals within the window ending at `now`.
    mutating func count(at now: Double) -> Int {
        dropOlder(than: now)
        return times.count - head
    }

    private mutating func dropOlder(than now: Double) {
        while head < times.count, times[head] <= now - seconds { head += 1 }
        if head > 4096, head * 2 > times.count {
            times.removeFirst(head)
            head = 0
        }
    }
}
