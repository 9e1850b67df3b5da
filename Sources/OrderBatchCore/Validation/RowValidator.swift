/// A row that passed every static rule: its order id and its typed update.
public struct ValidatedRow: Sendable {
    public var orderID: String
    /// The key under which two rows count as the same order (Juspay ids are case-insensitive).
    public var duplicateKey: String
    /// The typed update (``JuspayUpdate`` / ``RapydUpdate``), encoded only when it is stored.
    public var update: any UpdatePayload

    public init(orderID: String, duplicateKey: String, update: any UpdatePayload) {
        self.orderID = orderID
        self.duplicateKey = duplicateKey
        self.update = update
    }
}

/// What a provider's rules say about one row.
public enum RowVerdict: Sendable {
    case valid(ValidatedRow)
    case invalid([InputIssue])
}

/// A provider's static rules: turn one input record into a typed update or a list of issues,
/// each naming the line, the column and the reason. No network; the status-dependent rules
/// run at send time (preflight).
public protocol RowValidator {
    /// Problems with the columns themselves (unknown or missing names), reported once per
    /// distinct header. Empty when the columns are usable.
    func columnIssues(_ columns: [String], line: Int) -> [InputIssue]
    /// Checks one record whose columns passed ``columnIssues(_:line:)``.
    func validate(_ record: InputRecord) -> RowVerdict
    /// The verdict of ``validate(_:)`` without its update: for a pass that keeps nothing of a
    /// valid row but its duplicate key's fingerprint. The default calls ``validate(_:)``.
    func check(_ record: InputRecord) -> RowCheck
    /// The byte path of ``check(_:)`` for a CSV row lent by the reader (``CSVRowTaker``): the
    /// fields' bytes in the header's order (ASCII, no NUL). Returns the duplicate key's
    /// fingerprint when the row passes every rule, as ``check(_:)`` would return it; nil when the
    /// row fails a rule or the bytes alone cannot tell, and the row is then read as a record and
    /// ``check(_:)`` decides (so a failing row's message is built exactly as before). It must
    /// never return a fingerprint for a row that ``check(_:)`` refuses, and it applies the same
    /// rule functions, not copies of them. The default returns nil: every row goes to ``check(_:)``.
    func check(lent fields: UnsafeBufferPointer<UnsafeRawBufferPointer>) -> UInt64?
    /// Whether ``check(lent:)`` can pass rows (once specialised for a header); false, the
    /// default, spares the reader lending rows that would all be declined.
    var checksLentRows: Bool { get }
    /// A validator giving the same verdicts, faster for records whose columns are `columns`
    /// (a CSV file's header): per-column work such as classifying names is done once here.
    /// The default returns the validator unchanged.
    func specialized(forColumns columns: [String]) -> any RowValidator
}

extension RowValidator {
    public func specialized(forColumns columns: [String]) -> any RowValidator { self }

    public func check(lent fields: UnsafeBufferPointer<UnsafeRawBufferPointer>) -> UInt64? { nil }

    public var checksLentRows: Bool { false }

    public func check(_ record: InputRecord) -> RowCheck {
        switch validate(record) {
        case .valid(let row): .valid(duplicateKeyFingerprint: OrderFingerprint.of(row.duplicateKey))
        case .invalid(let issues): .invalid(issues)
        }
    }
}

/// Columns whose names start with this prefix are the outcome columns `orderbatch report`
/// appends (`ob_state`, `ob_http_status`, …). Validation ignores them, so a report of failed
/// rows, once fixed, can be fed straight back as input.
public let reportColumnPrefix = "ob_"
