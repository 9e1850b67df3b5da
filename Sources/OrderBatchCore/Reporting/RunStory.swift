import Foundation

/// What a run's summary tells beyond its counts: where the requests went, and the request figures of this
/// invocation and, for `resume` and `retry`, of the whole run. Built by ``RunCoordinator`` at the end of an
/// execution and by `status RUN` from the store; written by ``RunStory/textLines(invocation:)`` and
/// ``RunStory/json`` (pure functions, so tests pin every character).
public struct RunStory: Sendable, Equatable {
    /// Where a run's requests went.
    public struct Destination: Sendable, Equatable {
        /// The base URL the requests were sent to (for the built-in emulator, its loopback address).
        public var baseURL: String
        /// The job's `endpoint:` value (`sandbox`, `production`, `emulator` or the URL).
        public var setting: String
        /// The provider's name (`juspay`).
        public var provider: String
        /// `endpoint: emulator`: the built-in emulator, started for the run; nothing reached the provider.
        public var isBuiltInEmulator: Bool

        public init(baseURL: String, setting: String, provider: String, isBuiltInEmulator: Bool) {
            self.baseURL = baseURL
            self.setting = setting
            self.provider = provider
            self.isBuiltInEmulator = isBuiltInEmulator
        }

        /// The host (and port) of ``baseURL``: `api.juspay.in`, `127.0.0.1:41231`.
        public var host: String {
            let afterScheme = baseURL.range(of: "://").map { baseURL[$0.upperBound...] } ?? Substring(baseURL)
            return String(afterScheme.prefix { $0 != "/" })
        }

        /// A loopback address (an emulator or a proxy on this machine), not the provider itself.
        public var isLoopback: Bool {
            var name = host
            if name.hasPrefix("["), let close = name.firstIndex(of: "]") {
                name = String(name[name.index(after: name.startIndex)..<close])
            } else if let colon = name.lastIndex(of: ":") {
                name = String(name[..<colon])
            }
            return HostName.isLoopback(name)
        }
    }

    /// The figures of one window of the run: one invocation, or every invocation.
    public struct Figures: Sendable, Equatable {
        /// The requests, from the attempts log.
        public var requests: RequestStatistics
        /// Rows that reached a final state in the window (for the whole run: every settled row).
        public var rowsSettled: Int
        /// Seconds the rates are computed over: the invocation's sending time, or for the whole run the
        /// span from its first request to its last.
        public var seconds: Double
        /// Seconds this invocation paused every request because a 429 asked to (`Retry-After`); nil when not
        /// known (the whole run: pauses are not recorded).
        public var rateLimitPauseSeconds: Double?

        public init(requests: RequestStatistics, rowsSettled: Int, seconds: Double, rateLimitPauseSeconds: Double?) {
            self.requests = requests
            self.rowsSettled = rowsSettled
            self.seconds = seconds
            self.rateLimitPauseSeconds = rateLimitPauseSeconds
        }

        /// Requests per second over ``seconds``; nil when no time passed.
        public var requestsPerSecond: Double? { seconds > 0 ? Double(requests.requests) / seconds : nil }
        /// Rows settled per second over ``seconds``; nil when no time passed.
        public var rowsPerSecond: Double? { seconds > 0 ? Double(rowsSettled) / seconds : nil }
    }

    public var destination: Destination?
    /// The job's `rate_limit` windows (empty: no limit).
    public var rateLimit: [RateWindow]
    /// This invocation (`run`, `resume`, `retry`); nil for `status`, which shows the whole run only.
    public var invocation: Figures?
    /// The whole run, every invocation; nil for `run`, whose invocation is the whole run.
    public var wholeRun: Figures?

    public init(destination: Destination?, rateLimit: [RateWindow], invocation: Figures?, wholeRun: Figures?) {
        self.destination = destination
        self.rateLimit = rateLimit
        self.invocation = invocation
        self.wholeRun = wholeRun
    }

    /// How many error codes a summary names.
    public static let topErrorCount = 5

    /// The tightest rate of the job's windows, per second; nil without a limit.
    public var limitPerSecond: Double? { rateLimit.map(\.ratePerSecond).min() }
}
