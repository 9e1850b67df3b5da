extension ExecutorPolicy {
    /// `--max-failures N` or `N%`: rows failing permanently past it stop the run.
    public enum FailureLimit: Sendable, Equatable, CustomStringConvertible {
        /// More than this many failed rows stop the run (0: the first failure does).
        case count(Int)
        /// More than this percentage of the run's rows failed stops the run.
        case percent(Double)

        /// Parses `25` (a count) or `2.5%` (a share of the run's rows, 0–100); nil for anything else.
        public static func parse(_ text: String) -> FailureLimit? {
            let t = text.trimmingSpaces()
            if t.hasSuffix("%") {
                guard let p = Double(t.dropLast()), p.isFinite, p >= 0, p <= 100 else { return nil }
                return .percent(p)
            }
            guard let n = Int(t), n >= 0 else { return nil }
            return .count(n)
        }

        /// Whether `failed` rows out of `total` are past the limit.
        public func isExceeded(failed: Int, total: Int) -> Bool {
            switch self {
            case .count(let limit): return failed > limit
            case .percent(let percent): return Double(failed) > Double(total) * percent / 100
            }
        }

        public var description: String {
            switch self {
            case .count(let limit): return "\(limit)"
            case .percent(let percent): return "\(percent.formatted3)%"
            }
        }
    }
}
