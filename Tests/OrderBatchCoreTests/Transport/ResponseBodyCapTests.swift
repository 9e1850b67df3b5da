import Foundation
import OrderBatchEmulator
import Testing

@testable import OrderBatchCore

/// The response body cap (``CurlTransport/maxResponseBodyBytes``) through libcurl on loopback,
/// against the emulator's sized (`/__emulator/big/`) and padded answers.
@Suite struct ResponseBodyCapTests {
    static let cap = CurlTransport.maxResponseBodyBytes

    private func get(_ server: EmulatorServer, _ path: String) -> HTTPRequest {
        HTTPRequest(method: .get, url: server.baseURL + path, timeoutMilliseconds: 10_000)
    }

    @Test func theCapIsOneMebibyte() {
        #expect(Self.cap == 1 << 20)
    }

    @Test(arguments: ["", "?chunked=1"])
    func anAnswerOfExactlyTheCapIsRead(framing: String) async throws {
        try await TransportFixture.run { server, transport in
            let response = try await transport.send(get(server, "/__emulator/big/\(Self.cap)\(framing)"))
            #expect(response.status == 200)
            #expect(response.body.count == Self.cap)
        }
    }

    @Test(arguments: ["", "?chunked=1"])
    func anAnswerOverTheCapIsResponseTooLargeAndTheHandleIsReusable(framing: String) async throws {
        try await TransportFixture.run(maxConcurrentTransfers: 1) { server, transport in
            for size in [Self.cap + 1, 24 << 20] {
                let error = try #require(
                    await TransportFixture.failure(transport, get(server, "/__emulator/big/\(size)\(framing)")))
                #expect(error.kind == .responseTooLarge)
                #expect(error.kind.rawValue == "response_too_large")
                #expect(error.requestMayHaveBeenSent)
                #expect(error.detail.contains("larger than the 1 MiB (1048576 bytes) response cap"), "\(error.detail)")
                #expect(error.detail.contains("HTTP 200"), "\(error.detail)")
            }
            // The one easy handle (and a fresh connection) serve the next request normally.
            let after = try await transport.send(get(server, "/__emulator/big/100"))
            #expect(after.status == 200 && after.body.count == 100)
        }
    }

    @Test func aContentLengthOverTheCapStopsTheTransferBeforeTheBody() async throws {
        try await TransportFixture.run({ $0.padAnswersToBytes = 24 << 20 }) { server, transport in
            let headers = [
                ("Authorization", "Basic " + Data("jp_test:".utf8).base64EncodedString()),
                ("x-merchantid", "m"), ("x-routing-id", "r"),
            ]
            let error = try #require(
                await TransportFixture.failure(
                    transport,
                    HTTPRequest(
                        method: .get, url: server.baseURL + "/orders/CAP-1", headers: headers,
                        timeoutMilliseconds: 10_000)))
            #expect(error.kind == .responseTooLarge)
            #expect(error.detail.contains("Content-Length"), "\(error.detail)")
            // What the emulator managed to write is bounded by the socket buffers, not the 24 MiB.
            #expect(server.stats().paddingBytesSent < 16 << 20)
        }
    }

    @Test func sixteenPaddedAnswersAtOnceAllFailCleanly() async throws {
        try await TransportFixture.run({ $0.padAnswersToBytes = 24 << 20 }) { server, transport in
            let errors = await withTaskGroup(of: TransportError.Kind?.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        do {
                            _ = try await transport.send(
                                get(server, "/__emulator/big/\(24 << 20)?chunked=\(index % 2)"))
                            return nil
                        } catch {
                            return (error as? TransportError)?.kind
                        }
                    }
                }
                return await group.reduce(into: [TransportError.Kind?]()) { $0.append($1) }
            }
            #expect(errors.count == 16)
            #expect(errors.allSatisfy { $0 == .responseTooLarge })
        }
    }
}
