private import CCrypto
import Foundation

/// An incremental SHA-256 computation over one owned libcrypto `EVP_MD_CTX`.
///
/// Feed bytes with ``update(_:)``, read the digest with ``finalize()``; the hasher then starts
/// over, so it can be reused. Not thread-safe: use one hasher per task.
///
/// ```swift
/// let hasher = SHA256Hasher()
/// hasher.update(Array("abc".utf8))
/// let hex = hasher.finalize()  // "ba7816bf…"
/// ```
///
/// Related OpenSSL documentation: <https://www.openssl.org/docs/man3.0/man3/EVP_DigestInit.html>.
public final class SHA256Hasher {
    private let context: OpaquePointer

    /// The chunk size ``hexDigest(ofFileAt:)`` reads at a time: 1 MiB.
    static let fileChunkSize = 1 << 20

    /// Creates a hasher with an empty input.
    ///
    /// Allocation or initialisation of the context fails only when memory is exhausted, which is a
    /// precondition failure here as everywhere else.
    public init() {
        guard let context = EVP_MD_CTX_new() else {
            preconditionFailure("EVP_MD_CTX_new failed: \(LibcryptoErrorQueue.drain(fallback: "out of memory"))")
        }
        self.context = context
        Self.start(context)
    }

    deinit { EVP_MD_CTX_free(context) }

    private static func start(_ context: OpaquePointer) {
        let result = EVP_DigestInit_ex(context, ccrypto_sha256(), nil)
        precondition(result == 1, "EVP_DigestInit_ex failed: \(LibcryptoErrorQueue.drain(fallback: "no reason"))")
    }

    /// Appends `bytes` to the input.
    ///
    /// - Parameter bytes: The next bytes of the input.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Appends the bytes in `buffer` to the input.
    ///
    /// - Parameter buffer: The next bytes of the input.
    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        let result = EVP_DigestUpdate(context, base, buffer.count)
        precondition(result == 1, "EVP_DigestUpdate failed: \(LibcryptoErrorQueue.drain(fallback: "no reason"))")
    }

    /// The SHA-256 of everything passed to ``update(_:)`` since creation or the last finalize, as
    /// 64 lowercase hex characters; the hasher is empty again afterwards.
    ///
    /// - Returns: The lowercase hex digest.
    public func finalize() -> String {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = EVP_DigestFinal_ex(context, &output, &length)
        precondition(
            result == 1 && length == 32,
            "EVP_DigestFinal_ex failed: \(LibcryptoErrorQueue.drain(fallback: "no reason"))")
        Self.start(context)
        return HexEncoding.lowercase(output.prefix(Int(length)))
    }

    /// The SHA-256 of the file at `path`, read in 1 MiB chunks so memory stays flat for any size.
    ///
    /// orderbatch uses it to recognise an input file it has already run.
    ///
    /// - Parameter path: The file to digest.
    /// - Returns: The lowercase hex digest of the file's bytes.
    /// - Throws: ``CryptoError`` of kind ``CryptoError/Kind/fileUnreadable`` when the file cannot be
    ///   opened or read.
    public static func hexDigest(ofFileAt path: String) throws(CryptoError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CryptoError(
                kind: .fileUnreadable,
                message: "cannot open '\(path)' for reading; check that it exists and is readable")
        }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: fileChunkSize)
            } catch {
                throw CryptoError(
                    kind: .fileUnreadable, message: "cannot read '\(path)': \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalize()
    }
}

@available(*, unavailable)
extension SHA256Hasher: Sendable {}
