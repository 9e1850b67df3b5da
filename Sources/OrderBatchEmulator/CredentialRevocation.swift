/// Whether the emulator still accepts its configured credentials, as a provider account whose key
/// gets revoked part-way through a run: revoked at once, or after a number of applied updates, and
/// restored at run time (`POST /__emulator/credentials/{revoke,restore}`).
///
/// Kept in ``EmulatorState`` and changed under its lock, in the same critical section that applies an
/// update, so "revoke after N" lets exactly N updates through whatever the concurrency.
struct CredentialRevocation: Sendable, Equatable {
    /// Whether every provider API request is refused with 401.
    private(set) var isRevoked = false
    /// Updates still accepted before the revocation takes effect; `nil` when none is pending.
    private(set) var updatesLeft: Int?

    /// Credentials revoked after `updates` applied updates (`nil`: never; `0`: revoked from the start).
    init(revokeAfter updates: Int?) {
        if let updates { revoke(after: updates) }
    }

    /// Revokes after `updates` more applied updates, or at once when `updates` is 0.
    mutating func revoke(after updates: Int) {
        if updates <= 0 {
            isRevoked = true
            updatesLeft = nil
        } else {
            isRevoked = false
            updatesLeft = updates
        }
    }

    /// Accepts the credentials again and cancels any pending revocation.
    mutating func restore() {
        isRevoked = false
        updatesLeft = nil
    }

    /// Counts one applied update; the last one allowed revokes the credentials.
    mutating func noteApplied() {
        guard let left = updatesLeft else { return }
        if left <= 1 {
            isRevoked = true
            updatesLeft = nil
        } else {
            updatesLeft = left - 1
        }
    }
}
