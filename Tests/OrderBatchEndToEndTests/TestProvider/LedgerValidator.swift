import OrderBatchCore

/// The ledger's typed update: an amount in whole units for one order.
struct LedgerUpdate: UpdatePayload, Equatable {
    var orderID: String
    var amount: Int

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case amount
    }

    init(orderID: String, amount: Int) {
        self.orderID = orderID
        self.amount = amount
    }

    init(stored: StoredPayload) throws(StoredPayload.Problem) {
        orderID = try stored.string("order_id")
        guard let amount = Int(try stored.string("amount")) else {
            throw StoredPayload.Problem(message: "amount is not a whole number")
        }
        self.amount = amount
    }

    var storedJSON: String { #"{"amount":"\#(amount)","order_id":"\#(orderID)"}"# }
}

/// The ledger's row rules: columns `order_id` and `amount`; ids of letters and digits; whole amounts.
struct LedgerValidator: RowValidator {
    func columnIssues(_ columns: [String], line: Int) -> [InputIssue] {
        let own = columns.filter { !$0.hasPrefix(reportColumnPrefix) }
        return Set(own) == ["order_id", "amount"]
            ? [] : [InputIssue(line: line, message: "columns must be order_id and amount")]
    }

    func validate(_ record: InputRecord) -> RowVerdict {
        guard case .text(let id)? = record.value("order_id"), !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber })
        else {
            return .invalid([InputIssue(line: record.line, column: "order_id", message: "letters and digits only")])
        }
        guard case .text(let text)? = record.value("amount"), let amount = Int(text), amount > 0 else {
            return .invalid([
                InputIssue(line: record.line, column: "amount", message: "must be a positive whole number")
            ])
        }
        return .valid(ValidatedRow(orderID: id, duplicateKey: id, update: LedgerUpdate(orderID: id, amount: amount)))
    }
}
