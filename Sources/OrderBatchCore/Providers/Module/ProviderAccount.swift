/// A provider account's identity for sharing one rate limit (`rate_limit_scope: account`): what the
/// provider counts its limits against, written so that no secret reaches the database.
public enum ProviderAccount {
    /// `key-sha256:` and the first 16 hex digits (64 bits) of the SHA-256 of `secret`: the same key always
    /// gives the same identity, and the identity does not give the key away.
    public static func keyIdentity(_ secret: Secret) -> String {
        let hasher = SHA256Hasher()
        hasher.update(Array(secret.reveal().utf8))
        return "key-sha256:" + String(hasher.finalize().prefix(16))
    }
}

extension ProviderModule {
    /// By default the account is the one the first credential belongs to: ``ProviderAccount/keyIdentity(_:)``
    /// of it.
    public func accountIdentity(job: Job, credentials: ProviderCredentials) -> String {
        guard let first = self.credentials.first else { return "none" }
        return ProviderAccount.keyIdentity(credentials[first.key])
    }
}
