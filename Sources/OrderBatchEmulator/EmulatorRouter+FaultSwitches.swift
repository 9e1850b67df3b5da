/// The debug routes that switch the account and path faults of a running emulator (see
/// `EmulatorRouter+Faults.swift`); each answers with the new setting as JSON.
///
/// - `POST /__emulator/credentials/revoke`: refuse every provider API request with 401 from now on;
///   `?after=N`: after N more applied updates instead. Answers `{"credentials":"revoked"}` or
///   `{"credentials":"valid","revoke_after_updates":N}`.
/// - `POST /__emulator/credentials/restore`: accept the credentials again, cancelling a pending
///   revocation. Answers `{"credentials":"valid"}`.
/// - `POST /__emulator/garble/{none|updates|reads|both}`: which 2xx answers are garbled from now on.
/// - `POST /__emulator/pad/{MiB}[?chunked=1]`: pad answers to that many MiB (2^20 bytes) from now on
///   (0 stops), with `Content-Length`, or chunked with `chunked=1`.
/// - `GET /__emulator/big/{bytes}[?chunked=1]`: a 200 JSON answer of exactly that many bytes,
///   streamed like a padded answer; `chunked=1` sends it with `Transfer-Encoding: chunked` and no
///   `Content-Length`, so a client's size cap can be tested on both framings.
extension EmulatorRouter {
    /// The largest padding or `big` answer, in bytes (1 GiB).
    static let maximumPaddedBytes = 1 << 30

    func handleFaultSwitch(_ request: EmulatorRequest, _ segments: [Substring]) -> EmulatorResponse {
        let value = String(segments[1])
        switch segments[0] {
        case "credentials":
            return credentialsSwitch(value, uri: request.uri)
        case "garble":
            guard let garble = EmulatorGarble(rawValue: value) else {
                return Self.debugError(400, "garble must be none, updates, reads or both")
            }
            state.withLock { $0.garble = garble }
            return .json(200, .object([("garble", .string(garble.rawValue))]))
        case "pad":
            guard let mebibytes = Int(value), (0...(Self.maximumPaddedBytes >> 20)).contains(mebibytes) else {
                return Self.debugError(400, "pad must be a whole number of MiB from 0 to 1024")
            }
            let chunked = Self.queryValue("chunked", in: request.uri) == "1"
            state.withLock { state in
                state.padAnswersToBytes = mebibytes << 20
                state.padChunked = chunked
            }
            return .json(200, .object([("pad_bytes", .number(String(mebibytes << 20)))]))
        default:
            guard let bytes = Int(value), bytes >= 0, bytes <= Self.maximumPaddedBytes else {
                return Self.debugError(400, "big must be a number of bytes from 0 to \(Self.maximumPaddedBytes)")
            }
            let chunked = Self.queryValue("chunked", in: request.uri) == "1"
            return EmulatorPadding.pad(.json(200, .object([("big", .bool(true))])), to: bytes, chunked: chunked)
        }
    }

    private func credentialsSwitch(_ action: String, uri: String) -> EmulatorResponse {
        switch action {
        case "revoke":
            var after = 0
            if let text = Self.queryValue("after", in: uri) {
                guard let value = Int(text), value >= 0 else {
                    return Self.debugError(400, "after must be a whole number of updates")
                }
                after = value
            }
            let revoked = state.withLock { state in
                state.credentials.revoke(after: after)
                return state.credentials.isRevoked
            }
            return .json(
                200,
                revoked
                    ? .object([("credentials", .string("revoked"))])
                    : .object([("credentials", .string("valid")), ("revoke_after_updates", .number(String(after)))]))
        case "restore":
            state.withLock { $0.credentials.restore() }
            return .json(200, .object([("credentials", .string("valid"))]))
        default:
            return Self.debugError(404, "credentials routes are revoke and restore")
        }
    }
}
