import Foundation
import OrderBatchCore

extension OrderBatch.Status {
    /// How many invocations the text detail lists (the latest ones).
    static let shownInvocations = 10

    /// The `invocations` and `pace` lines of the detail: when each `run`, `resume` and `retry` began, with the
    /// pacing flags it was given, then the pace of the latest one (each value, and the flag that set it).
    static func invocationLines(_ run: RunRecord, _ invocations: [InvocationRecord]) -> [(String, String)] {
        guard let last = invocations.last else { return [] }
        // A migration resumed night after night keeps the detail short: the last ten, and how many came before.
        let shown = invocations.suffix(shownInvocations)
        var values = shown.map { invocation in
            let flags = invocation.overrides.pacingFlags
            return "\(timestamp(invocation.startedAt))  \(invocation.command.rawValue)"
                + (flags.isEmpty ? "" : " " + flags.joined(separator: " "))
        }
        if invocations.count > shown.count {
            values.insert("(\(invocations.count - shown.count) earlier; --json lists them all)", at: 0)
        }
        var lines = values.enumerated().map { index, value in (index == 0 ? "invocations" : "", value) }
        if let job = run.pace(with: last.overrides) {
            let values = PacingSetting.allCases.map { setting in
                "\(setting.key) \(setting.value(in: job))"
                    + (setting.isSet(in: last.overrides) ? " (\(setting.flag))" : "")
            }
            lines.append(("pace", values.joined(separator: ", ")))
        }
        return lines
    }

    /// `"invocations"` (each `{"command", "started_at", "overrides": {"concurrency", "rate", "max_failures",
    /// "deadline"}}`, only the flags given) and `"pace"` (the latest invocation's `{"concurrency", "rate",
    /// "max_failures", "deadline"}`, `"none"` for no limit; null when there is no invocation).
    static func invocationMembers(_ run: RunRecord, _ invocations: [InvocationRecord]) -> [(String, JSONValue)] {
        let list: [JSONValue] = invocations.map { invocation in
            let o = invocation.overrides
            var overrides: [(String, JSONValue)] = []
            if let c = o.concurrency { overrides.append(("concurrency", .number(JSONNumber(c)))) }
            if let r = o.rate { overrides.append(("rate", .string(r))) }
            if let m = o.maxFailures { overrides.append(("max_failures", .string(m))) }
            if let d = o.deadline { overrides.append(("deadline", .string(d))) }
            return .object([
                ("command", .string(invocation.command.rawValue)),
                ("started_at", .string(timestamp(invocation.startedAt))),
                ("overrides", .object(overrides)),
            ])
        }
        let pace: JSONValue =
            invocations.last.flatMap { run.pace(with: $0.overrides) }.map { job in
                .object([
                    ("concurrency", .number(JSONNumber(job.concurrency))),
                    ("rate", .string(PacingSetting.rate.value(in: job))),
                    ("max_failures", .string(PacingSetting.maxFailures.value(in: job))),
                    ("deadline", .string(PacingSetting.deadline.value(in: job))),
                ])
            } ?? .null
        return [("invocations", .array(list)), ("pace", pace)]
    }
}
