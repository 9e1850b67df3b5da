/// One HTTP request, fully built: the transport sends these bytes and adds nothing but
/// what libcurl itself requires (Host, Content-Length).
public struct HTTPRequest: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// Absolute URL; the path is already percent-encoded by the provider adapter.
    public var url: String
    /// Header names and values in send order. Values may hold secrets: never log them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whole-exchange limit in milliseconds (connect + send + receive).
    public var timeoutMilliseconds: Int

    public init(
        method: Method, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeoutMilliseconds: Int
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.timeoutMilliseconds == b.timeoutMilliseconds
            && a.headers.elementsEqual(b.headers, by: { $0.name == $1.name && $0.value == $1.value })
    }
}
