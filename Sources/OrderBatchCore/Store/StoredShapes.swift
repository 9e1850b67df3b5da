/// One run's ``ItemShape``s in the SQLite store (`item_shapes`), as one call of the store reads and adds them,
/// and the stored form of a row's input and payload texts.
///
/// Shapes are only ever added, never changed, so a shape read once stays right. Reading rows reads only the
/// shapes they name, one at a time (a claim names one or two); adding rows reads them all first.
struct StoredShapes {
    /// How many shapes one run may have; past that, a row keeps its texts whole.
    static let limitPerRun = 64
    /// How many of them a payload shape with strings of its own (not the row's input values) may take: the
    /// rest stay for the shape that moves every such string into the row.
    static let limitForLiteralPayloads = 32

    /// A row's input and payload texts as stored.
    struct Row {
        /// The input shape's id, nil when `input` is the whole input text.
        var inputShape: Int?
        /// The input text, or with an input shape, the row's strings joined by U+001F.
        var input: String
        /// The payload shape's id (its holes filled from the row's strings), nil when `payload` is the text.
        var payloadShape: Int?
        var payload: String?
    }

    let runKey: Int64
    private var shapes: [Int: ItemShape] = [:]
    private var ids: [String: Int] = [:]

    /// Whether ``ids`` holds every shape of the run (read before adding rows).
    private var complete = false

    /// The run's shapes, read as they are named.
    init(runKey: Int64) {
        self.runKey = runKey
    }

    /// The run's shapes, all read now, ready for ``row(inputJSON:payload:_:)``.
    init(_ db: SQLiteConnection, runKey: Int64) throws {
        self.runKey = runKey
        let select = try db.cachedStatement("SELECT id, template FROM item_shapes WHERE run_key = ?1")
        defer { select.reset() }
        try select.bind(runKey, at: 1)
        while try select.step() {
            let id = Int(select.int64(at: 0))
            let template = select.string(at: 1) ?? ""
            ids[template] = id
            shapes[id] = ItemShape(template: template)
        }
        complete = true
    }

    /// The shape `id`, nil when the run has none such or it does not parse.
    mutating func shape(_ id: Int, _ db: SQLiteConnection) throws -> ItemShape? {
        if let shape = shapes[id] { return shape }
        let select = try db.cachedStatement("SELECT template FROM item_shapes WHERE run_key = ?1 AND id = ?2")
        defer { select.reset() }
        try select.bind(runKey, at: 1)
        try select.bind(id, at: 2)
        guard try select.step(), let shape = ItemShape(template: select.string(at: 0) ?? "") else { return nil }
        shapes[id] = shape
        return shape
    }

    /// The id of `template`, added to the run when new and the run has fewer than `limit` shapes.
    private mutating func id(for template: String, limit: Int, _ db: SQLiteConnection) throws -> Int? {
        precondition(complete, "adding rows needs every shape of the run read first")
        if let id = ids[template] { return id }
        guard ids.count < limit else { return nil }
        let id = (ids.values.max() ?? 0) + 1
        let insert = try db.cachedStatement("INSERT INTO item_shapes (run_key, id, template) VALUES (?1, ?2, ?3)")
        try insert.bind(runKey, at: 1)
        try insert.bind(id, at: 2)
        try insert.bind(template, at: 3)
        try insert.run()
        ids[template] = id
        shapes[id] = ItemShape(template: template)
        return id
    }

    /// How `inputJSON` and `payload` are stored: by shape when they fit one, else whole.
    mutating func row(inputJSON: String, payload: String?, _ db: SQLiteConnection) throws -> Row {
        let whole = Row(input: inputJSON, payload: payload)
        guard let input = ItemShape.splitInput(inputJSON),
            let inputShape = try id(for: input.template, limit: Self.limitPerRun, db)
        else { return whole }
        var values = input.values
        var payloadShape: Int?
        if let payload {
            if let split = ItemShape.splitPayload(payload, values: values, keepUnmatched: true),
                let id = try id(for: split.template, limit: Self.limitForLiteralPayloads, db)
            {
                payloadShape = id
            } else if let split = ItemShape.splitPayload(payload, values: values, keepUnmatched: false),
                let id = try id(for: split.template, limit: Self.limitPerRun, db)
            {
                payloadShape = id
                values += split.extras
            } else {
                return whole
            }
        }
        return Row(
            inputShape: inputShape, input: values.joined(separator: String(ItemShape.valueSeparator)),
            payloadShape: payloadShape, payload: nil)
    }

    /// The input text of a stored row.
    ///
    /// - Throws: ``RunStoreError/corruptRow(runID:seq:detail:)`` when its shape is missing or does not fit.
    mutating func inputJSON(
        shape: Int?, input: String, _ db: SQLiteConnection, runID: String, seq: Int64
    ) throws -> String {
        guard let shape else { return input }
        return try fill(shape, input: input, db, runID: runID, seq: seq, what: "input")
    }

    /// The payload text of a stored row: `payload` itself, or filled from its shape and the row's strings.
    mutating func payload(
        shape: Int?, payload: String?, input: String, _ db: SQLiteConnection, runID: String, seq: Int64
    ) throws -> String? {
        guard let shape else { return payload }
        return try fill(shape, input: input, db, runID: runID, seq: seq, what: "payload")
    }

    private mutating func fill(
        _ id: Int, input: String, _ db: SQLiteConnection, runID: String, seq: Int64, what: String
    ) throws -> String {
        guard let shape = try shape(id, db), let text = shape.text(values: ItemShape.values(input)) else {
            throw RunStoreError.corruptRow(
                runID: runID, seq: seq, detail: "its \(what) shape \(id) is missing or does not fit")
        }
        return text
    }
}

extension SQLiteRunStore {
    /// The integer key of run `runID` (`runs.key`), which its items and attempts carry; nil for no such run.
    static func runKey(_ db: SQLiteConnection, _ runID: String) throws -> Int64? {
        let select = try db.cachedStatement("SELECT key FROM runs WHERE id = ?1")
        defer { select.reset() }
        try select.bind(runID, at: 1)
        return try select.step() ? select.int64(at: 0) : nil
    }
}
