import Foundation
import ProviderRules

/// Loads the orders file named by ``EmulatorConfiguration/ordersFile``.
///
/// JSONL, one order per line; blank lines are skipped:
///
/// ```
/// {"provider":"juspay","order_id":"ORD123","status":"NEW","amount":"100.00"}
/// {"provider":"rapyd","order_id":"order_abc","status":"pending","metadata":{}}
/// ```
///
/// Juspay keys: `provider`, `order_id`, `status` (default `NEW`), `amount` (string or number, default
/// `100.00`), `merchant_id`, and any udf or address field name. Rapyd keys: `provider`, `order_id`,
/// `status` (default `created`), `amount` (number or numeric string, default 100), `currency` (default
/// `USD`), `metadata` (object), `tax_percent` (number), `coupon`. Any other key is refused, so a typo
/// is not silently ignored.
enum OrderSeed {
    /// Reads and parses `path` into an order book.
    ///
    /// - Throws: ``EmulatorError`` naming the file, line and problem.
    static func load(path: String, now: Double) throws(EmulatorError) -> OrderBook {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EmulatorError("cannot read orders file \(path): \(error.localizedDescription)")
        }
        var book = OrderBook()
        for (offset, line) in Array(data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            guard !trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            do throws(EmulatorError) {
                try add(Array(trimmed), to: &book, now: now)
            } catch {
                throw EmulatorError("\(path):\(offset + 1): \(error.message)")
            }
        }
        return book
    }

    /// Parses one line and adds its order.
    static func add(_ line: [UInt8], to book: inout OrderBook, now: Double) throws(EmulatorError) {
        let value: EmulatorJSON
        do {
            value = try EmulatorJSON.parse(line)
        } catch {
            throw EmulatorError(error.description)
        }
        guard case .object(let members) = value else { throw EmulatorError("a line must be a JSON object") }
        guard let orderID = value["order_id"]?.stringValue, !orderID.isEmpty else {
            throw EmulatorError("order_id must be a non-empty string")
        }
        switch value["provider"]?.stringValue {
        case "juspay":
            book.juspay[orderID] = try juspayOrder(orderID, members, now: now)
        case "rapyd":
            book.rapyd[orderID] = try rapydOrder(orderID, members, now: now)
        default:
            throw EmulatorError(#"provider must be "juspay" or "rapyd""#)
        }
    }

    private static func juspayOrder(
        _ orderID: String, _ members: [(String, EmulatorJSON)], now: Double
    ) throws(EmulatorError) -> JuspayOrder {
        var order = JuspayOrder(orderID: orderID, status: .new, amount: "100", merchantID: nil, now: now)
        for (key, value) in members {
            switch (key, value) {
            case ("provider", _), ("order_id", _): continue
            case ("status", .string(let text)):
                guard let status = JuspayOrderStatus(rawValue: text) else {
                    throw EmulatorError("unknown Juspay status \(text)")
                }
                order.status = status
            case ("amount", .string(let text)), ("amount", .number(let text)):
                guard JuspayOrder.isValidAmount(text) else { throw EmulatorError("invalid amount \(text)") }
                order.amount = JuspayOrder.normalizedAmount(text)
            case ("merchant_id", .string(let text)): order.merchantID = text
            case (_, .string(let text)) where key != "amount" && JuspayFields.updatable.contains(key):
                order.fields[key] = text
            default: throw EmulatorError("unexpected Juspay key or value type: \(key)")
            }
        }
        return order
    }

    private static func rapydOrder(
        _ orderID: String, _ members: [(String, EmulatorJSON)], now: Double
    ) throws(EmulatorError) -> RapydOrder {
        var order = RapydOrder(id: orderID, status: .created, now: now)
        for (key, value) in members {
            switch (key, value) {
            case ("provider", _), ("order_id", _): continue
            case ("status", .string(let text)):
                guard let status = RapydOrderStatus(rawValue: text) else {
                    throw EmulatorError("unknown Rapyd status \(text)")
                }
                order.status = status
            case ("amount", .number): order.amount = value
            case ("amount", .string(let text)):
                guard case .number = (try? EmulatorJSON.parse(Array(text.utf8))) ?? .null else {
                    throw EmulatorError("invalid amount \(text)")
                }
                order.amount = .number(text)
            case ("currency", .string(let text)): order.currency = text
            case ("metadata", .object): order.metadata = value
            case ("tax_percent", .number): order.taxPercent = value
            case ("coupon", .string(let text)): order.coupon = text
            default: throw EmulatorError("unexpected Rapyd key or value type: \(key)")
            }
        }
        return order
    }
}
