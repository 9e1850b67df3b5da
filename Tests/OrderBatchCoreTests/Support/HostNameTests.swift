import OrderBatchCore
import Testing

@Suite struct HostNameTests {
    @Test(arguments: ["localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1"])
    func loopback(_ host: String) {
        #expect(HostName.isLoopback(host))
    }

    @Test(arguments: [
        "example.com", "127.0.0.1.example.com", "128.0.0.1", "10.0.0.1", "::", "::2", "::ffff:127.0.0.1", "0x7f.0.0.1",
        "127.1", "127.000.0.1", "", "[127.0.0.1", "localhost.",
    ])
    func notLoopback(_ host: String) {
        #expect(!HostName.isLoopback(host))
    }

    @Test func anHTTPEndpointMustBeLoopback() {
        guard case .success = Endpoint.parse("http://[::1]:18080") else {
            Issue.record("http to [::1] refused")
            return
        }
        guard case .failure = Endpoint.parse("http://127.0.0.1.example.com") else {
            Issue.record("http to a name that starts like a loopback address accepted")
            return
        }
    }
}
