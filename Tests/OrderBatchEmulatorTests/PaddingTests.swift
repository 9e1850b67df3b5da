import Foundation
import Testing

@testable import OrderBatchEmulator

/// Padded answers: exact sizes, valid JSON, both framings, switched at run time.
@Suite struct PaddingTests {
    /// The padded body as the handler would write it.
    private func assembled(_ response: EmulatorResponse) -> [UInt8] {
        guard let padding = response.padding else { return response.body }
        return Array(response.body[..<padding.offset])
            + [UInt8](repeating: padding.filler, count: padding.fillerCount) + Array(response.body[padding.offset...])
    }

    @Test func padKeepsJSONObjectsValidAtTheExactSize() throws {
        for body in ["{}", #"{"a":1}"#] {
            let padded = EmulatorPadding.pad(EmulatorResponse(status: 200, body: Array(body.utf8)), to: 1000)
            let bytes = assembled(padded)
            #expect(bytes.count == 1000)
            #expect(padded.bodyLength == 1000)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect((object[EmulatorPadding.memberName] as? String)?.allSatisfy { $0 == "x" } == true)
        }
        let garbled = EmulatorPadding.pad(EmulatorResponse(status: 200, body: Array(#"{"a":"#.utf8)), to: 50)
        #expect(assembled(garbled) == Array(#"{"a":"#.utf8) + [UInt8](repeating: 32, count: 45))
        let big = EmulatorResponse(status: 200, body: Array(#"{"a":1}"#.utf8))
        #expect(EmulatorPadding.pad(big, to: 4) == big)
    }

    @Test func paddedAnswersAreStreamedWithContentLengthAndSwitchedAtRunTime() async throws {
        try await withEmulator({ $0.padAnswersToBytes = 2 << 20 }) { server in
            let update = try await http(
                "POST", server.baseURL + "/orders/P1", headers: juspayHeaders(), body: "amount=3")
            #expect(update.status == 200)
            #expect(update.body.count == 2 << 20)
            #expect(update.header("Content-Length") == String(2 << 20))
            #expect(update.json["order_id"] as? String == "P1")
            let stats = server.stats()
            #expect(stats.paddedAnswers == 1)
            #expect(stats.paddingBytesSent > (2 << 20) - 4096 && stats.paddingBytesSent < 2 << 20)

            let off = try await http("POST", server.baseURL + "/__emulator/pad/0")
            #expect(off.json["pad_bytes"] as? Int == 0)
            let small = try await http("GET", server.baseURL + "/orders/P1", headers: juspayHeaders(form: false))
            #expect(small.body.count < 4096 && small.json["order_id"] as? String == "P1")
            _ = try await http("POST", server.baseURL + "/__emulator/pad/1?chunked=1")
            let rapydRead = try await rapyd(server, "GET", "/v1/orders/order_p1")
            #expect(rapydRead.body.count == 1 << 20)
            #expect(rapydRead.header("Content-Length") == nil && rapydRead.header("Transfer-Encoding") == "chunked")
            #expect((rapydRead.json["data"] as? [String: Any])?["id"] as? String == "order_p1")
            #expect(try await http("POST", server.baseURL + "/__emulator/pad/-1").status == 400)
        }
    }

    @Test func bigRouteServesBothFramings() async throws {
        try await withEmulator { server in
            let sized = try await http("GET", server.baseURL + "/__emulator/big/300000")
            #expect(sized.body.count == 300_000 && sized.header("Content-Length") == "300000")
            let chunked = try await http("GET", server.baseURL + "/__emulator/big/300000?chunked=1")
            #expect(chunked.body.count == 300_000)
            #expect(chunked.header("Content-Length") == nil)
            #expect(chunked.header("Transfer-Encoding") == "chunked")
            #expect(chunked.json["big"] as? Bool == true)
        }
    }

    @Test func aClientThatHangsUpStopsTheStream() async throws {
        try await withEmulator({ $0.padAnswersToBytes = 256 << 20 }) { server in
            // curl refuses a body whose Content-Length is over --max-filesize and closes the connection.
            let (exitCode, _) = try await runCurl([
                "-s", "--max-filesize", "100000", "-X", "POST", "-H", "Authorization: " + juspayHeaders()[0].1,
                "-H", "x-merchantid: m", "-H", "x-routing-id: r", "-H",
                "Content-Type: application/x-www-form-urlencoded",
                "--data-binary", "amount=1", server.baseURL + "/orders/H1",
            ])
            #expect(exitCode == 63)  // CURLE_FILESIZE_EXCEEDED
            // The emulator is still answering, and did not send anywhere near 256 MiB.
            let stats = try await http("GET", server.baseURL + "/__emulator/stats")
            #expect(stats.status == 200)
            #expect((stats.json["paddingBytesSent"] as? Int ?? .max) < 128 << 20)
            #expect(server.stats().appliedTotal == 1)
        }
    }
}
