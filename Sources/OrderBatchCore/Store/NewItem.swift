/// One input row as ingested: either a valid update (``ItemState/pending``) or an invalid row
/// (``ItemState/invalid``) kept for the report.
public struct NewItem: Sendable, Equatable {
    /// The row's position in the run, 1-based, in input order.
    public var seq: Int64
    /// The physical input line on which the row starts.
    public var line: Int
    /// The order id; nil when the row is invalid.
    public var orderID: String?
    /// The provider's typed update as JSON text; nil when the row is invalid.
    public var payload: String?
    /// The row's original columns as a JSON object text, echoed by reports.
    public var inputJSON: String
    /// ``ItemState/pending`` or ``ItemState/invalid``.
    public var state: ItemState
    /// The validation errors of an invalid row; nil for a valid one.
    public var errorMessage: String?

    /// A valid row, pending.
    public static func pending(seq: Int64, line: Int, orderID: String, payload: String, inputJSON: String) -> NewItem {
        NewItem(seq: seq, line: line, orderID: orderID, payload: payload, inputJSON: inputJSON, state: .pending)
    }

    /// An invalid row with its validation errors.
    public static func invalid(seq: Int64, line: Int, inputJSON: String, errorMessage: String) -> NewItem {
        NewItem(seq: seq, line: line, inputJSON: inputJSON, state: .invalid, errorMessage: errorMessage)
    }

    public init(
        seq: Int64, line: Int, orderID: String? = nil, payload: String? = nil, inputJSON: String, state: ItemState,
        errorMessage: String? = nil
    ) {
        self.seq = seq
        self.line = line
        self.orderID = orderID
        self.payload = payload
        self.inputJSON = inputJSON
        self.state = state
        self.errorMessage = errorMessage
    }
}
