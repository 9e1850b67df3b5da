import Foundation

/// Streams a validated input file into the store: one item per record, typed payloads for
/// valid rows, the validation errors for invalid ones, in large transactions.
public enum Ingest {
    /// What was stored.
    public struct Summary: Sendable {
        public var total = 0
        public var pending = 0
        public var invalid = 0
    }

    /// Stores every record of `source` under `runID`. `duplicateSeqs` (from a validation pass)
    /// become invalid too. Call only after validation said the file may be ingested.
    public static func run(
        store: any RunStore, runID: String, source: any RecordSource, sourcePath: String,
        validation: FileValidation, duplicates: [DuplicateRow], batchSize: Int = 5000,
        afterBatch: @escaping () throws -> Void = {}
    ) throws -> Summary {
        var summary = Summary()
        var batch: [NewItem] = []
        batch.reserveCapacity(batchSize)
        let duplicateIssue = Dictionary(duplicates.map { ($0.seq, $0.issue) }, uniquingKeysWith: { a, _ in a })
        var skipping = FileValidation(
            validator: validation.validator, columnsPerRecord: validation.columnsPerRecord, maxKeptIssues: 0)
        skipping.maxKeptIssues = 0
        _ = try skipping.run(source: source, sourcePath: sourcePath, findDuplicates: false) { v in
            let input = v.record.map(inputJSON) ?? "{}"
            summary.total += 1
            if let row = v.row, duplicateIssue[v.seq] == nil {
                let payload = row.update.storedJSON
                batch.append(
                    .pending(seq: Int64(v.seq), line: v.line, orderID: row.orderID, payload: payload, inputJSON: input))
                summary.pending += 1
            } else {
                let issues = v.issues.isEmpty ? (duplicateIssue[v.seq].map { [$0] } ?? []) : v.issues
                let message =
                    issues.isEmpty
                    ? "the file's columns are not usable (see the header errors)"
                    : issues.map { ($0.column.map { "\($0): " } ?? "") + $0.message }.joined(separator: "; ")
                batch.append(.invalid(seq: Int64(v.seq), line: v.line, inputJSON: input, errorMessage: message))
                summary.invalid += 1
            }
            if batch.count >= batchSize {
                try store.insertItems(runID: runID, batch)
                batch.removeAll(keepingCapacity: true)
                try afterBatch()
            }
        }
        if !batch.isEmpty { try store.insertItems(runID: runID, batch) }
        return summary
    }

    /// The record's columns as a compact JSON object, for reports. The `ob_` outcome columns of a
    /// report fed back as input are left out: they describe the earlier run, and this run's report
    /// writes its own.
    static func inputJSON(_ record: InputRecord) -> String {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(record.columns.count)
        for (i, name) in record.columns.enumerated() where !name.hasPrefix(reportColumnPrefix) {
            switch record.values[i] {
            case .text(let s): members.append((name, .string(s)))
            case .json(let v): members.append((name, v))
            }
        }
        return JSONValue.object(members).compactText
    }
}
