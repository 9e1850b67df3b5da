import Foundation

/// A run's history in time buckets, aggregated by the store (see ``RunHistoryStore/timeline(runID:origin:bucketSeconds:)``).
public struct RunTimeline: Sendable, Equatable {
    /// The requests that started in one bucket.
    public struct Requests: Sendable, Equatable {
        public var bucket: Int
        /// Requests of every phase.
        public var requests: Int
        /// Answers with HTTP status 429.
        public var rateLimited: Int
        /// Updates sent again (attempt 2 and later of a row's generation).
        public var retries: Int
        /// Latency percentiles over every phase; nil when no request of the bucket has a latency.
        public var latency: LatencyPercentiles?

        public init(bucket: Int, requests: Int, rateLimited: Int, retries: Int, latency: LatencyPercentiles?) {
            self.bucket = bucket
            self.requests = requests
            self.rateLimited = rateLimited
            self.retries = retries
            self.latency = latency
        }
    }

    /// The errors of one code in one bucket.
    public struct Errors: Sendable, Equatable {
        public var bucket: Int
        public var code: String
        public var count: Int

        public init(bucket: Int, code: String, count: Int) {
            self.bucket = bucket
            self.code = code
            self.count = count
        }
    }

    /// The rows that reached one final state in one bucket.
    public struct Finished: Sendable, Equatable {
        public var bucket: Int
        public var state: ItemState
        public var count: Int

        public init(bucket: Int, state: ItemState, count: Int) {
            self.bucket = bucket
            self.state = state
            self.count = count
        }
    }

    public var origin: Date
    public var bucketSeconds: Double
    /// Non-empty buckets, in bucket order.
    public var requests: [Requests]
    /// Non-empty (bucket, code) pairs, in bucket order, then code.
    public var errors: [Errors]
    /// Non-empty (bucket, state) pairs, in bucket order, then state.
    public var finished: [Finished]

    public init(
        origin: Date, bucketSeconds: Double, requests: [Requests] = [], errors: [Errors] = [],
        finished: [Finished] = []
    ) {
        self.origin = origin
        self.bucketSeconds = bucketSeconds
        self.requests = requests
        self.errors = errors
        self.finished = finished
    }

    /// One more than the highest bucket holding anything (0 when empty).
    public var bucketCount: Int {
        let last = [requests.last?.bucket, errors.map(\.bucket).max(), finished.map(\.bucket).max()]
            .compactMap { $0 }.max()
        return last.map { $0 + 1 } ?? 0
    }
}
