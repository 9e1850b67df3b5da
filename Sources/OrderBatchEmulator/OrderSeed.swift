import Foundation

/// Loads the orders file named by ``EmulatorConfiguration/ordersFile``.
///
/// JSONL, one order per line; blank lines are skipped:
///
/// ```
/// {"provider":"juspay","order_id":"ORD123","status":"NEW","amount":"100.00"}
/// {"provider":"rapyd","order_id":"order_abc","status":"pending","metadata":{}}
/// ```
///
/// `provider` names a registered provider, whose module reads the rest of the line
/// (``EmulatorProviderModule/seedOrder(orderID:_:into:now:)``, documented in each provider's folder). Any key
/// a provider does not know is refused, so a typo is not silently ignored.
enum OrderSeed {
    /// Reads and parses `path` into an order book.
    ///
    /// - Throws: ``EmulatorError`` naming the file, line and problem.
    static func load(
        path: String, now: Double, modules: [any EmulatorProviderModule] = EmulatorProviders.modules
    ) throws(EmulatorError) -> OrderBook {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EmulatorError("cannot read orders file \(path): \(error.localizedDescription)")
        }
        let book = OrderBook(modules: modules)
        for (offset, line) in Array(data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            guard !trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            do throws(EmulatorError) {
                try add(Array(trimmed), to: book, modules: modules, now: now)
            } catch {
                throw EmulatorError("\(path):\(offset + 1): \(error.message)")
            }
        }
        return book
    }

    /// Parses one line and adds its order.
    static func add(
        _ line: [UInt8], to book: OrderBook, modules: [any EmulatorProviderModule], now: Double
    ) throws(EmulatorError) {
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
        guard let name = value["provider"]?.stringValue, let module = modules.first(where: { $0.info.name == name }),
            let state = book.states[name]
        else {
            let names = modules.map { "\"\($0.info.name)\"" }
            throw EmulatorError("provider must be \(EmulatorProviders.sentenceList(names, conjunction: "or"))")
        }
        try module.seedOrder(orderID: orderID, members, into: state, now: now)
    }
}
