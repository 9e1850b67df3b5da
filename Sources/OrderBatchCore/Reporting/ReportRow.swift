/// One row of a run report: the row's original input columns plus what happened to it.
///
/// The lead's `report` command fills one per stored item, in input order:
///
/// ```swift
/// let row = ReportRow(
///     line: 7,
///     columns: [ReportColumn(name: "order_id", value: .text("ORD-7")), ReportColumn(name: "amount", value: .text("90.00"))],
///     state: "failed", httpStatus: 400, errorCode: "NOT_FOUND", message: "order not found", attempts: 1)
/// ```
public struct ReportRow: Sendable, Equatable {
    /// The physical input line (1-based) the row started on.
    public var line: Int
    /// The original input columns, in input order.
    public var columns: [ReportColumn]
    /// The item's state (`succeeded`, `failed`, `skipped`, `invalid`, `unknown`, `pending`, …).
    public var state: String
    /// The last HTTP status received, if any request got an answer.
    public var httpStatus: Int?
    /// The provider's error code (`NOT_FOUND`, `ERROR_GET_ORDER`, …) or orderbatch's own reason code.
    public var errorCode: String?
    /// The provider's error message, or orderbatch's reason in words.
    public var message: String?
    /// How many requests were sent for the row.
    public var attempts: Int

    /// Creates a row; see the type's properties for what each argument means.
    public init(
        line: Int, columns: [ReportColumn], state: String, httpStatus: Int? = nil, errorCode: String? = nil,
        message: String? = nil, attempts: Int = 0
    ) {
        self.line = line
        self.columns = columns
        self.state = state
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
        self.attempts = attempts
    }
}

/// One original input column of a ``ReportRow``.
public struct ReportColumn: Sendable, Equatable {
    /// The column name: the CSV header cell or the JSONL member key.
    public var name: String
    /// The value: text for CSV inputs, a JSON value for JSONL inputs.
    public var value: CellValue

    /// Creates a column from a name and a value.
    public init(name: String, value: CellValue) {
        self.name = name
        self.value = value
    }

    /// Creates a column of a JSONL input from the value's compact JSON text, as the store keeps it.
    ///
    /// - Parameters:
    ///   - name: The member key.
    ///   - compactJSON: The member's value as JSON text (`"abc"`, `13.5`, `{"k":"v"}`).
    /// - Throws: ``JSONParseError`` when `compactJSON` is not one JSON value.
    public init(name: String, compactJSON: String) throws(JSONParseError) {
        self.name = name
        self.value = .json(try JSONValue.parse(compactJSON))
    }
}
