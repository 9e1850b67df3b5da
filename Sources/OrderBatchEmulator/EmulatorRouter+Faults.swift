/// The faults a provider account or the path to it can show, applied to every provider API answer:
/// revoked credentials (401), garbled answers (200 with an unreadable body) and padded answers
/// (valid JSON, many megabytes). Each is set at start (``EmulatorConfiguration``) and switched at
/// run time by the debug routes in `EmulatorRouter+FaultSwitches.swift`.
extension EmulatorRouter {
    /// The refusal for a provider request while the credentials are revoked, counted; `nil` otherwise.
    ///
    /// Updates are checked again where they are applied (each provider's routes), so a revocation that takes
    /// effect while a request is between here and there still holds.
    func refusalIfRevoked(_ module: any EmulatorProviderModule) -> EmulatorResponse? {
        let revoked = state.withLock { state in
            guard state.credentials.isRevoked else { return false }
            state.stats.revokedRefusals += 1
            return true
        }
        return revoked ? module.revokedRefusal() : nil
    }

    /// The refusal for an update about to be applied, under the lock, when the credentials are revoked, counted;
    /// `nil` otherwise. Checked where updates are counted, so "revoke after N" lets exactly N through.
    static func revokedUpdateRefusal(
        _ module: any EmulatorProviderModule, in state: inout EmulatorState
    ) -> EmulatorResponse? {
        guard state.credentials.isRevoked else { return nil }
        state.stats.revokedRefusals += 1
        return module.revokedRefusal()
    }

    /// `response` as the client will get it: garbled if the switch covers this kind of request and the
    /// answer is a 2xx, then padded if padding is on. Counted in ``EmulatorStats``.
    ///
    /// Garbling happens after the routes ran, so a garbled update has been applied (and a Rapyd
    /// idempotency key stored with the real answer): the case where only reconciliation can tell.
    func shaped(_ response: EmulatorResponse, isUpdate: Bool) -> EmulatorResponse {
        let (garble, padTo, chunked) = state.withLock { state in
            let garble = state.garble.covers(update: isUpdate) && (200...299).contains(response.status)
            if garble {
                if isUpdate { state.stats.garbledUpdates += 1 } else { state.stats.garbledReads += 1 }
            }
            let padded = state.padAnswersToBytes > 0 && response.body.count < state.padAnswersToBytes
            if padded { state.stats.paddedAnswers += 1 }
            return (garble, padded ? state.padAnswersToBytes : 0, state.padChunked)
        }
        var result = response
        if garble { result.body = Self.garbled(response.body) }
        if padTo > 0 { result = EmulatorPadding.pad(result, to: padTo, chunked: chunked) }
        return result
    }

    /// The first half of a JSON answer: still sent as `application/json`, never parseable.
    static func garbled(_ body: [UInt8]) -> [UInt8] {
        Array(body.prefix(body.count / 2))
    }
}
