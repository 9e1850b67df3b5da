import Foundation

/// The test and debug routes under `/__emulator/`. They are never faulted or delayed, and only
/// `delay` is counted (``EmulatorStats/delayRequests``).
///
/// - `GET /__emulator/stats`: ``EmulatorStats`` as JSON.
/// - `POST /__emulator/reset-stats`: zero the counters (the per-minute counts too); answers with the zeroed
///   stats.
/// - `ANY /__emulator/echo/…`: `{"method","path","headers":[[name,value],…],"body_base64"}`, with the
///   path exactly as received and the headers in received order and case.
/// - `GET /__emulator/delay/{ms}`: 200 after `ms` milliseconds.
/// - `GET /__emulator/status/{code}?retry_after=N`: that status (200–599), with `Retry-After: N` if given.
/// - `GET /__emulator/drop`: close the connection without a response (FIN).
/// - `GET /__emulator/reset`: reset the connection without a response (RST).
/// - `GET /__emulator/orders/{provider}/{order_id}`: the stored order, or 404.
/// - `POST /__emulator/latency/{model}`: the latency model (`none` or a provider's) from now on (tests slow a run down
///   to interrupt it, then speed the same emulator up, orders kept, to resume it).
/// - `POST /__emulator/credentials/revoke[?after=N]`, `POST /__emulator/credentials/restore`,
///   `POST /__emulator/garble/{none|updates|reads|both}`, `POST /__emulator/pad/{MiB}` and
///   `GET /__emulator/big/{bytes}[?chunked=1]`: see `EmulatorRouter+FaultSwitches.swift`.
extension EmulatorRouter {
    func handleDebug(_ request: EmulatorRequest) -> EmulatorAction {
        let rest = request.path.dropFirst("/__emulator/".count)
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false)
        switch (request.method, segments[0], segments.count) {
        case ("GET", "stats", 1):
            return .respond(Self.statsResponse(stats()))
        case ("POST", "reset-stats", 1):
            state.withLock {
                $0.stats = EmulatorStats()
                $0.perMinute = RollingWindowCount(seconds: 60)
            }
            return .respond(Self.statsResponse(stats()))
        case (_, "echo", _):
            return .respond(.json(200, Self.echo(request)))
        case ("GET", "delay", 2):
            guard let milliseconds = Double(segments[1]), milliseconds >= 0, milliseconds <= 600_000 else {
                return .respond(Self.debugError(400, "delay must be 0...600000 milliseconds"))
            }
            state.withLock { $0.stats.delayRequests += 1 }
            let body = EmulatorJSON.object([("delayed_ms", .number(String(segments[1])))])
            return .respond(.json(200, body), delayMilliseconds: milliseconds, completion: nil)
        case ("GET", "status", 2):
            guard let code = Int(segments[1]), (200...599).contains(code) else {
                return .respond(Self.debugError(400, "status must be 200...599"))
            }
            var response = EmulatorResponse.json(code, .object([("status", .number(String(code)))]))
            if let retryAfter = Self.queryValue("retry_after", in: request.uri) {
                response.headers.append(.init(name: "Retry-After", value: retryAfter))
            }
            return .respond(response)
        case ("POST", "latency", 2):
            guard let model = EmulatorLatency(rawValue: String(segments[1])) else {
                let names = EmulatorLatency.allCases.map(\.rawValue)
                return .respond(
                    Self.debugError(
                        400, "latency must be " + EmulatorProviders.sentenceList(names, conjunction: "or")))
            }
            state.withLock { $0.latency = model }
            return .respond(.json(200, .object([("latency", .string(model.rawValue))])))
        case ("GET", "drop", 1):
            return .close(delayMilliseconds: 0, reset: false)
        case ("GET", "reset", 1):
            return .close(delayMilliseconds: 0, reset: true)
        case ("GET", "orders", 3):
            guard let orderID = try? FormDecoding.percentDecode(segments[2].utf8, plusIsSpace: false) else {
                return .respond(Self.debugError(400, "invalid order id encoding"))
            }
            let dump = state.withLock { state in state.orders.states[String(segments[1])]?.dump(orderID: orderID) }
            guard let dump else { return .respond(Self.debugError(404, "no such order")) }
            return .respond(.json(200, dump))
        case ("POST", "credentials", 2), ("POST", "garble", 2), ("POST", "pad", 2), ("GET", "big", 2):
            return .respond(handleFaultSwitch(request, segments))
        default:
            return .respond(Self.debugError(404, "no such emulator route"))
        }
    }

    /// A snapshot of the counters.
    func stats() -> EmulatorStats {
        let now = clock()
        return state.withLock { state in
            var stats = state.stats
            stats.requestsLastMinute = state.perMinute.count(at: now)
            stats.mostRequestsInAMinute = state.perMinute.most
            return stats
        }
    }

    private static func statsResponse(_ stats: EmulatorStats) -> EmulatorResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(stats)).map { Array($0) } ?? Array("{}".utf8)
        return EmulatorResponse(status: 200, body: body)
    }

    private static func echo(_ request: EmulatorRequest) -> EmulatorJSON {
        .object([
            ("method", .string(request.method)),
            ("path", .string(request.uri)),
            ("headers", .array(request.headers.map { .array([.string($0.name), .string($0.value)]) })),
            ("body_base64", .string(Data(request.body).base64EncodedString())),
        ])
    }

    static func debugError(_ status: Int, _ message: String) -> EmulatorResponse {
        .json(status, .object([("error", .string(message))]))
    }

    /// The raw value of `name` in the query of `uri`, or `nil`.
    static func queryValue(_ name: String, in uri: String) -> String? {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name, parts.count == 2 { return String(parts[1]) }
        }
        return nil
    }
}
