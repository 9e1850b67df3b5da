import Foundation

/// Latency percentiles of a set of requests, in milliseconds (nearest rank, see ``RunHistoryStore``).
public struct LatencyPercentiles: Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    public init(p50: Double, p90: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// How many attempts failed with one error code.
public struct ErrorCount: Sendable, Equatable {
    /// The provider's or transport's code, `HTTP 503` when the answer had none, `no response` when none came.
    public var code: String
    public var count: Int

    public init(code: String, count: Int) {
        self.code = code
        self.count = count
    }
}

/// The requests of one phase.
public struct PhaseStatistics: Sendable, Equatable {
    /// Attempts recorded in the phase.
    public var requests: Int
    /// Their latency percentiles; nil when none has a latency.
    public var latency: LatencyPercentiles?

    public init(requests: Int, latency: LatencyPercentiles?) {
        self.requests = requests
        self.latency = latency
    }
}

/// A run's request figures from its attempts log (see ``RunHistoryStore/requestStatistics(runID:since:topErrors:)``).
public struct RequestStatistics: Sendable, Equatable {
    /// Per phase; a phase with no request is absent.
    public var phases: [AttemptRecord.Phase: PhaseStatistics]
    /// The most frequent error codes, most frequent first.
    public var topErrors: [ErrorCount]
    /// Attempts that were errors, all codes together.
    public var errors: Int
    /// Answers with HTTP status 429.
    public var rateLimited: Int
    /// The first request's start; nil when there is none.
    public var firstStartedAt: Date?
    /// The last request's end (start plus latency); nil when there is none.
    public var lastEndedAt: Date?

    public init(
        phases: [AttemptRecord.Phase: PhaseStatistics] = [:], topErrors: [ErrorCount] = [], errors: Int = 0,
        rateLimited: Int = 0, firstStartedAt: Date? = nil, lastEndedAt: Date? = nil
    ) {
        self.phases = phases
        self.topErrors = topErrors
        self.errors = errors
        self.rateLimited = rateLimited
        self.firstStartedAt = firstStartedAt
        self.lastEndedAt = lastEndedAt
    }

    /// Requests of every phase.
    public var requests: Int { phases.values.reduce(0) { $0 + $1.requests } }

    /// The requests of `phase` (0 when none).
    public func requests(_ phase: AttemptRecord.Phase) -> Int { phases[phase]?.requests ?? 0 }

    /// Seconds from the first request's start to the last one's end; 0 when there is none.
    public var spanSeconds: Double {
        guard let first = firstStartedAt, let last = lastEndedAt else { return 0 }
        return Swift.max(0, last.timeIntervalSince(first))
    }
}
