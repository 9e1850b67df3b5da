import Foundation

/// The request figures of a set of attempts in mergeable form: per (phase, latency bin) an ``AttemptGroup``
/// (bucket 0), and per (phase, error code) a count, grouped exactly as the stores' group queries group the
/// attempts log (``RunHistoryStore``). A process keeps the figures of the attempts it records as it records
/// them, so that the end of a `resume` need not read a million-row log back (see
/// ``RunHistoryStore/invocationFigures(runID:since:wholeRun:topErrors:)``); merged with the figures stored by
/// the invocations before it, they equal what the log says.
public struct RequestFigures: Sendable, Equatable {
    struct GroupKey: Hashable {
        var phase: AttemptRecord.Phase
        var bin: Int?
    }

    struct ErrorKey: Hashable {
        var phase: AttemptRecord.Phase
        var code: String
    }

    private(set) var groups: [GroupKey: AttemptGroup] = [:]
    private(set) var errors: [ErrorKey: Int] = [:]

    public init() {}

    /// The figures of the groups a store's queries returned (with one bucket).
    init(groups: [AttemptGroup], errors: [ErrorGroup]) {
        for group in groups { merge(group) }
        for error in errors { self.errors[ErrorKey(phase: error.phase, code: error.code), default: 0] += error.count }
    }

    /// The outcomes that make an attempt an error, as the group queries count them.
    private static let errorResults: Set<AttemptRecord.Result> = [.permanent, .retryable, .unknown, .rejected]

    /// Counts one recorded attempt.
    mutating func add(_ attempt: AttemptRecord) {
        // As the queries compute them: `CAST(ln(latency_ms + 1) * 100 AS INTEGER)` (libm's log, truncated),
        // and `started_at + coalesce(latency_ms, 0) / 1000.0`.
        let bin = attempt.latencyMilliseconds.map { Int(log($0 + 1) * 100) }
        let started = attempt.startedAt.timeIntervalSince1970
        merge(
            AttemptGroup(
                bucket: 0, phase: attempt.phase, latencyBin: bin, count: 1, maxLatency: attempt.latencyMilliseconds,
                rateLimited: attempt.httpStatus == 429 ? 1 : 0,
                retries: attempt.phase == .send && attempt.attempt > 1 ? 1 : 0, firstStarted: started,
                lastEnded: started + (attempt.latencyMilliseconds ?? 0) / 1000.0))
        guard Self.errorResults.contains(attempt.result) else { return }
        let code: String
        if let errorCode = attempt.errorCode, !errorCode.isEmpty {
            code = errorCode
        } else if let status = attempt.httpStatus {
            code = "HTTP \(status)"
        } else {
            code = "no response"
        }
        errors[ErrorKey(phase: attempt.phase, code: code), default: 0] += 1
    }

    /// Adds the figures of other attempts.
    mutating func merge(_ other: RequestFigures) {
        for group in other.groups.values { merge(group) }
        for (key, count) in other.errors { errors[key, default: 0] += count }
    }

    private mutating func merge(_ group: AttemptGroup) {
        let key = GroupKey(phase: group.phase, bin: group.latencyBin)
        guard var sum = groups[key] else {
            var first = group
            first.bucket = 0
            groups[key] = first
            return
        }
        sum.count += group.count
        if let latency = group.maxLatency { sum.maxLatency = max(sum.maxLatency ?? latency, latency) }
        sum.rateLimited += group.rateLimited
        sum.retries += group.retries
        sum.firstStarted = min(sum.firstStarted, group.firstStarted)
        sum.lastEnded = max(sum.lastEnded, group.lastEnded)
        groups[key] = sum
    }

    /// The figures as the summary shows them.
    ///
    /// - Parameter topErrors: How many error codes to name.
    /// - Returns: The statistics of these attempts.
    func statistics(topErrors: Int) -> RequestStatistics {
        RequestStatistics(
            groups: Array(groups.values),
            errors: errors.map { ErrorGroup(bucket: 0, phase: $0.key.phase, code: $0.key.code, count: $0.value) },
            topErrors: topErrors)
    }
}

// MARK: - Stored form

extension RequestFigures: Codable {
    /// One group: phase, bin, count, max latency, 429s, retries, first start, last end.
    private struct StoredGroup: Codable {
        var p: String
        var b: Int?
        var n: Int
        var l: Double?
        var r: Int
        var t: Int
        var f: Double
        var e: Double
    }

    /// One error code of a phase.
    private struct StoredError: Codable {
        var p: String
        var c: String
        var n: Int
    }

    private enum CodingKeys: String, CodingKey {
        case groups, errors
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func phase(_ text: String) throws -> AttemptRecord.Phase {
            guard let phase = AttemptRecord.Phase(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .groups, in: container, debugDescription: "unknown phase \(text)")
            }
            return phase
        }
        for g in try container.decode([StoredGroup].self, forKey: .groups) {
            merge(
                AttemptGroup(
                    bucket: 0, phase: try phase(g.p), latencyBin: g.b, count: g.n, maxLatency: g.l, rateLimited: g.r,
                    retries: g.t, firstStarted: g.f, lastEnded: g.e))
        }
        for e in try container.decode([StoredError].self, forKey: .errors) {
            errors[ErrorKey(phase: try phase(e.p), code: e.c), default: 0] += e.n
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let stored = groups.values.map { g in
            StoredGroup(
                p: g.phase.rawValue, b: g.latencyBin, n: g.count, l: g.maxLatency, r: g.rateLimited, t: g.retries,
                f: g.firstStarted, e: g.lastEnded)
        }
        try container.encode(stored.sorted { ($0.p, $0.b ?? -1) < ($1.p, $1.b ?? -1) }, forKey: .groups)
        let codes = errors.map { StoredError(p: $0.key.phase.rawValue, c: $0.key.code, n: $0.value) }
        try container.encode(codes.sorted { ($0.p, $0.c) < ($1.p, $1.c) }, forKey: .errors)
    }
}
