/// Rapyd's `idempotency` header: key → (SHA-256 of the first body, first response) for 24 hours.
///
/// Rapyd documents (https://docs.rapyd.net/en/idempotency.html, FACTS.md §2.5) that a repeated key
/// within 24 h returns the first response again. By default Rapyd checks only Create Payment; support
/// can enable it for all POSTs, and then Rapyd compares only the header. The emulator, when
/// ``EmulatorConfiguration/idempotency`` is on, behaves like the enabled account but *refuses* a reused
/// key with a different body instead of replaying, because that is always a client bug; real Rapyd's
/// answer to it is NOT CONFIRMED. Keys are scoped per access key.
///
/// Whatever the mode, the first body seen with a key is remembered so that a reuse with a different
/// body is counted (``EmulatorStats/keysReusedWithDifferentBody``).
struct IdempotencyCache: Sendable {
    /// How long a key is remembered, in seconds.
    static let lifetime: Double = 24 * 60 * 60

    private struct Entry: Sendable {
        var bodyDigest: [UInt8]
        var response: EmulatorResponse
        var storedAt: Double
    }

    /// What the cache says about an incoming request.
    enum Lookup: Equatable {
        /// The key is new (or expired): process the request, then ``store(scope:key:bodyDigest:response:now:)``.
        case new
        /// The key was seen with the same body: this is the first response.
        case sameBody(EmulatorResponse)
        /// The key was seen with a different body.
        case differentBody
    }

    private var entries: [String: Entry] = [:]
    private var storesSinceSweep = 0

    /// Looks up `key` for a request with this body digest.
    func lookup(scope: String, key: String, bodyDigest: [UInt8], now: Double) -> Lookup {
        guard let entry = entries[scope + "\u{0}" + key], now - entry.storedAt < Self.lifetime else { return .new }
        return entry.bodyDigest == bodyDigest ? .sameBody(entry.response) : .differentBody
    }

    /// Remembers the first response for `key`; a key already stored and not expired is left alone.
    mutating func store(scope: String, key: String, bodyDigest: [UInt8], response: EmulatorResponse, now: Double) {
        let name = scope + "\u{0}" + key
        if let existing = entries[name], now - existing.storedAt < Self.lifetime { return }
        entries[name] = Entry(bodyDigest: bodyDigest, response: response, storedAt: now)
        storesSinceSweep += 1
        if storesSinceSweep >= 10_000 {
            storesSinceSweep = 0
            entries = entries.filter { now - $0.value.storedAt < Self.lifetime }
        }
    }
}
