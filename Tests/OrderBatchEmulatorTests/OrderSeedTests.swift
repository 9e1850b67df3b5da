import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct OrderSeedTests {
    @Test func loadsBothProviders() throws {
        let file = try temporaryFile(
            #"{"provider":"juspay","order_id":"ORD123","status":"NEW","amount":"100.00","udf3":"u"}"# + "\r\n\n"
                + #"{"provider":"rapyd","order_id":"order_abc","status":"pending","metadata":{"k":[1]},"amount":"12.50"}"#
                + "\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try OrderSeed.load(path: file.path, now: 1_700_000_000)
        let book = (
            juspay: loaded.state(JuspayEmulatorState.self).orders, rapyd: loaded.state(RapydEmulatorState.self).orders
        )
        #expect(book.juspay["ORD123"]?.amount == "100")
        #expect(book.juspay["ORD123"]?.fields == ["udf3": "u"])
        #expect(book.juspay["ORD123"]?.dateCreated == "2023-11-14T22:13:20Z")
        #expect(book.rapyd["order_abc"]?.json["status"] == .string("pending"))
        #expect(book.rapyd["order_abc"]?.metadata.text == #"{"k":[1]}"#)
        #expect(book.rapyd["order_abc"]?.amount == .number("12.50"))
    }

    @Test func reportsTheBadLine() throws {
        let file = try temporaryFile(
            #"{"provider":"juspay","order_id":"A1"}"# + "\n" + #"{"provider":"rapyd","order_id":"o","colour":1}"#)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: EmulatorError.self) { try OrderSeed.load(path: file.path, now: 0) }
        do {
            _ = try OrderSeed.load(path: file.path, now: 0)
        } catch {
            #expect(error.message.hasSuffix(":2: unexpected Rapyd key or value type: colour"))
        }
    }
}
