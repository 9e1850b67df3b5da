/// How a provider answer is padded to a given size: the answer's JSON object gains one more member,
/// `"emulator_padding":"xxx…"`, whose filler the connection handler streams in fixed-size chunks.
///
/// The answer stays valid JSON of exactly the requested length, so what a client does with a huge
/// answer (read it all, or stop at a cap) is the only thing being tested. A body that is not a JSON
/// object (a garbled answer) is followed by spaces instead.
struct EmulatorPadding: Sendable, Equatable {
    /// Where in the response body the filler goes (the bytes before it are sent first).
    var offset: Int
    /// How many filler bytes.
    var fillerCount: Int
    /// The filler byte: `x` inside the padding string, a space after a non-object body.
    var filler: UInt8
    /// Whether the answer goes out with `Transfer-Encoding: chunked` instead of `Content-Length`
    /// (only the `/__emulator/big/` route asks for it, so clients can be tested on both framings).
    var chunked = false

    /// The name of the member added to a padded JSON object.
    static let memberName = "emulator_padding"

    /// `response` padded so that its body is `size` bytes, or unchanged when it is already that long.
    ///
    /// - Parameters:
    ///   - response: The answer as the routes computed it.
    ///   - size: The body length wanted, in bytes.
    ///   - chunked: Send it without `Content-Length`.
    /// - Returns: The response with ``EmulatorResponse/padding`` set and its body reshaped around it.
    static func pad(_ response: EmulatorResponse, to size: Int, chunked: Bool = false) -> EmulatorResponse {
        var padded = response
        let body = response.body
        if body.last == UInt8(ascii: "}") {
            let isEmpty = body.count == 2 && body.first == UInt8(ascii: "{")
            let head = Array(body.dropLast()) + Array(((isEmpty ? "" : ",") + "\"\(memberName)\":\"").utf8)
            let tail = Array("\"}".utf8)
            guard head.count + tail.count < size else { return response }
            padded.body = head + tail
            padded.padding = EmulatorPadding(
                offset: head.count, fillerCount: size - head.count - tail.count, filler: UInt8(ascii: "x"),
                chunked: chunked)
        } else {
            guard body.count < size else { return response }
            padded.padding = EmulatorPadding(
                offset: body.count, fillerCount: size - body.count, filler: UInt8(ascii: " "), chunked: chunked)
        }
        return padded
    }
}
