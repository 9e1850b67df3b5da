/// Why a libcrypto operation or the file read feeding it failed.
///
/// The description names the operation and libcrypto's own reason (`ERR_error_string_n`) or the
/// file system's, never key material or digested data.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Kind: String, Sendable, Equatable {
        /// `RAND_bytes` could not produce random bytes (the system entropy source is unavailable).
        case randomUnavailable = "random_unavailable"
        /// A digest or MAC computation failed inside libcrypto.
        case digestFailed = "digest_failed"
        /// A file to digest could not be opened or read.
        case fileUnreadable = "file_unreadable"
    }

    /// What failed.
    public var kind: Kind
    /// The failing operation and its reason, for the user.
    public var message: String

    /// Creates an error of `kind` with a user-facing `message`.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "crypto error (\(kind.rawValue)): \(message)" }
}
