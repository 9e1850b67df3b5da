/// Removes credentials from text that came from outside (a provider's error message, a
/// transport detail) before it is stored in an ``Outcome``.
///
/// Providers are not expected to echo credentials, but an outcome ends up in the database and
/// the report, so every message is scrubbed anyway: each occurrence of a credential (and of any
/// derived form given, such as a Basic-auth token) becomes `***`.
///
/// The credentials are held as ``Secret``s, so printing or dumping a client that owns a scrubber
/// shows none of them.
struct CredentialScrubber: Sendable {
    private let needles: [Secret]

    /// - Parameter credentials: The texts that must never appear; empty ones are ignored.
    init(_ credentials: [String]) {
        // Longest first, so that a credential containing another is masked whole.
        needles = Set(credentials.filter { !$0.isEmpty }).sorted { $0.count > $1.count }.map(Secret.init)
    }

    /// `text` with every credential replaced by `***`.
    func scrub(_ text: String) -> String {
        var text = text
        for needle in needles where text.contains(needle.reveal()) {
            text = text.replacing(needle.reveal(), with: "***")
        }
        return text
    }

    /// `outcome` with its message and error code scrubbed.
    func scrub(_ outcome: Outcome) -> Outcome {
        var outcome = outcome
        outcome.message = outcome.message.map(scrub)
        outcome.errorCode = outcome.errorCode.map(scrub)
        return outcome
    }

    /// `result` with any outcome inside it scrubbed.
    func scrub(_ result: PreflightResult) -> PreflightResult {
        switch result {
        case .proceed: return .proceed
        case .skip(let reason): return .skip(reason: scrub(reason))
        case .reject(let code, let reason): return .reject(errorCode: code, reason: scrub(reason))
        case .failed(let outcome): return .failed(scrub(outcome))
        }
    }

    /// `result` with any outcome inside it scrubbed.
    func scrub(_ result: Reconciliation) -> Reconciliation {
        switch result {
        case .inEffect, .notInEffect: return result
        case .failed(let outcome): return .failed(scrub(outcome))
        }
    }
}
