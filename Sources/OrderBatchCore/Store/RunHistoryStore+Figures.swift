import Foundation

extension RunHistoryStore {
    /// The request figures of run `runID`: per phase the number of requests and their latency percentiles,
    /// the `topErrors` most frequent error codes (most frequent first, ties by code), the answers with HTTP
    /// status 429, and the first start and last end of a request. Two queries
    /// (``attemptGroups(runID:since:origin:bucketSeconds:)`` and ``errorGroups(runID:since:origin:bucketSeconds:)``
    /// with one bucket).
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - since: Only attempts that started at or after this moment; nil for every attempt.
    ///   - topErrors: How many error codes to return at most.
    /// - Returns: The figures; ``RequestStatistics/requests`` is 0 when no attempt is in the window.
    /// - Throws: The store's errors.
    public func requestStatistics(runID: String, since: Date?, topErrors: Int) throws -> RequestStatistics {
        let origin = since ?? Date(timeIntervalSince1970: 0)
        let everything = 1e15
        return RequestStatistics(
            groups: try attemptGroups(runID: runID, since: since, origin: origin, bucketSeconds: everything),
            errors: try errorGroups(runID: runID, since: since, origin: origin, bucketSeconds: everything),
            topErrors: topErrors)
    }

    /// The run's whole history cut into buckets of `bucketSeconds` seconds from `origin` (see
    /// ``RunTimeline``), and its request figures (as ``requestStatistics(runID:since:topErrors:)`` gives them
    /// for every attempt), from one pass of each query.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - origin: The start of bucket 0 (the first attempt's start, usually).
    ///   - bucketSeconds: The width of a bucket, more than 0.
    ///   - topErrors: How many error codes the figures name at most.
    /// - Returns: The timeline and the figures.
    /// - Throws: The store's errors.
    public func history(
        runID: String, origin: Date, bucketSeconds: Double, topErrors: Int
    ) throws -> (
        timeline: RunTimeline, requests: RequestStatistics
    ) {
        let groups = try attemptGroups(runID: runID, since: nil, origin: origin, bucketSeconds: bucketSeconds)
        let errors = try errorGroups(runID: runID, since: nil, origin: origin, bucketSeconds: bucketSeconds)
        let finished = try finishedRows(runID: runID, origin: origin, bucketSeconds: bucketSeconds)
        return (
            RunTimeline(
                origin: origin, bucketSeconds: bucketSeconds, groups: groups, errors: errors, finished: finished),
            RequestStatistics(groups: groups, errors: errors, topErrors: topErrors)
        )
    }

    /// The timeline alone (see ``history(runID:origin:bucketSeconds:topErrors:)``).
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - origin: The start of bucket 0.
    ///   - bucketSeconds: The width of a bucket, more than 0.
    /// - Returns: The timeline.
    /// - Throws: The store's errors.
    public func timeline(runID: String, origin: Date, bucketSeconds: Double) throws -> RunTimeline {
        try history(runID: runID, origin: origin, bucketSeconds: bucketSeconds, topErrors: 0).timeline
    }
}

extension LatencyPercentiles {
    /// Nearest-rank percentiles from latency bins: the value at rank ⌈p·n/100⌉ is taken as the largest latency
    /// of the bin holding that rank. Nil when no group has a latency.
    ///
    /// - Parameter groups: Groups of one set of attempts (any buckets or phases); those without a bin are left out.
    init?(bins groups: [AttemptGroup]) {
        let binned = groups.compactMap { g in g.latencyBin.map { ($0, g.count, g.maxLatency ?? 0) } }
        var merged: [Int: (count: Int, max: Double)] = [:]
        for (bin, count, max) in binned {
            let old = merged[bin] ?? (0, -Double.infinity)
            merged[bin] = (old.count + count, Swift.max(old.max, max))
        }
        let sorted = merged.sorted { $0.key < $1.key }.map(\.value)
        let n = sorted.reduce(0) { $0 + $1.count }
        guard n > 0, let top = sorted.last?.max else { return nil }
        func at(_ p: Int) -> Double {
            let rank = (n * p + 99) / 100
            var seen = 0
            for bin in sorted {
                seen += bin.count
                if seen >= rank { return bin.max }
            }
            return top
        }
        self.init(p50: at(50), p90: at(90), p99: at(99), max: sorted.map(\.max).max() ?? top)
    }
}

extension RequestStatistics {
    /// The figures of a set of attempt and error groups (their buckets merged).
    ///
    /// - Parameters:
    ///   - groups: The attempts.
    ///   - errors: The error attempts.
    ///   - topErrors: How many codes to name.
    init(groups: [AttemptGroup], errors: [ErrorGroup], topErrors: Int) {
        self.init()
        for phase in AttemptRecord.Phase.allCases {
            let mine = groups.filter { $0.phase == phase }
            guard !mine.isEmpty else { continue }
            phases[phase] = PhaseStatistics(
                requests: mine.reduce(0) { $0 + $1.count }, latency: LatencyPercentiles(bins: mine))
        }
        rateLimited = groups.reduce(0) { $0 + $1.rateLimited }
        firstStartedAt = groups.map(\.firstStarted).min().map { Date(timeIntervalSince1970: $0) }
        lastEndedAt = groups.map(\.lastEnded).max().map { Date(timeIntervalSince1970: $0) }
        var codes: [String: Int] = [:]
        for e in errors { codes[e.code, default: 0] += e.count }
        self.errors = codes.values.reduce(0, +)
        let ranked: [ErrorCount] = codes.map { ErrorCount(code: $0.key, count: $0.value) }.sorted { a, b in
            a.count != b.count ? a.count > b.count : a.code < b.code
        }
        self.topErrors = Array(ranked.prefix(topErrors))
    }
}

extension RunTimeline {
    /// The timeline of a run's groups: per bucket the requests of every phase, their 429s and retries and
    /// their latency percentiles; the errors per bucket and code; the rows finished.
    ///
    /// - Parameters:
    ///   - origin: The start of bucket 0.
    ///   - bucketSeconds: The width of a bucket.
    ///   - groups: The attempts.
    ///   - errors: The error attempts.
    ///   - finished: The rows finished.
    init(
        origin: Date, bucketSeconds: Double, groups: [AttemptGroup], errors: [ErrorGroup],
        finished: [RunTimeline.Finished]
    ) {
        self.init(origin: origin, bucketSeconds: bucketSeconds, finished: finished)
        for (bucket, mine) in Dictionary(grouping: groups, by: \.bucket).sorted(by: { $0.key < $1.key }) {
            requests.append(
                Requests(
                    bucket: bucket, requests: mine.reduce(0) { $0 + $1.count },
                    rateLimited: mine.reduce(0) { $0 + $1.rateLimited }, retries: mine.reduce(0) { $0 + $1.retries },
                    latency: LatencyPercentiles(bins: mine)))
        }
        var perCode: [Int: [String: Int]] = [:]
        for e in errors { perCode[e.bucket, default: [:]][e.code, default: 0] += e.count }
        for (bucket, codes) in perCode.sorted(by: { $0.key < $1.key }) {
            for (code, count) in codes.sorted(by: { $0.key < $1.key }) {
                self.errors.append(Errors(bucket: bucket, code: code, count: count))
            }
        }
    }
}
