/// A complete HTTP response as received.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names as received (compare case-insensitively) and values.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// From the start of the exchange to the last byte of the response.
    public var latencyMilliseconds: Double

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], latencyMilliseconds: Double) {
        self.status = status
        self.headers = headers
        self.body = body
        self.latencyMilliseconds = latencyMilliseconds
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
