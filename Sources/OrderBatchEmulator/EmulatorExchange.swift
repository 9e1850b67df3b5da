/// One HTTP request as the emulator received it: nothing normalised, so routes can check exact bytes.
struct EmulatorRequest: Sendable {
    /// The method as sent (`POST`).
    var method: String
    /// The request target exactly as received, with its query (`/v1/orders/order_1?x=1`).
    var uri: String
    /// The header fields in received order, names in received case.
    var headers: [(name: String, value: String)]
    /// The raw body bytes.
    var body: [UInt8]

    /// The first value of the header `name` (lowercase; matched case-insensitively), or `nil`.
    func header(_ name: String) -> String? {
        headers.first { HTTPText.equalsIgnoringCase($0.name, name) }?.value
    }

    /// The path part of ``uri``, before any `?`.
    var path: Substring { uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }
}

/// One HTTP response the emulator sends; stored whole so an idempotent replay is byte-for-byte.
struct EmulatorResponse: Sendable, Equatable {
    /// The status code.
    var status: Int
    /// Extra header fields (Content-Type and Content-Length are added by the handler).
    var headers: [Header] = []
    /// The body bytes; with ``padding``, the bytes around the filler.
    var body: [UInt8]
    /// Filler the handler streams into ``body`` as it writes it, so a padded answer of many
    /// megabytes is never held in memory; `nil` for an ordinary answer.
    var padding: EmulatorPadding? = nil

    /// One header field.
    struct Header: Sendable, Equatable {
        var name: String
        var value: String
    }

    /// The number of body bytes on the wire: ``body`` plus any filler.
    var bodyLength: Int { body.count + (padding?.fillerCount ?? 0) }

    /// A JSON response.
    static func json(_ status: Int, _ value: EmulatorJSON, headers: [Header] = []) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: headers, body: value.bytes)
    }
}

/// What the connection handler does with a request.
enum EmulatorAction: Sendable {
    /// Send `response` after `delayMilliseconds`, then run `completion` (on the event loop).
    case respond(EmulatorResponse, delayMilliseconds: Double, completion: (@Sendable () -> Void)?)
    /// Close the connection without a response after `delayMilliseconds`; `reset` sends a TCP RST.
    case close(delayMilliseconds: Double, reset: Bool)
    /// Never respond; keep the connection open.
    case hang

    /// An immediate response.
    static func respond(_ response: EmulatorResponse) -> EmulatorAction {
        .respond(response, delayMilliseconds: 0, completion: nil)
    }
}
