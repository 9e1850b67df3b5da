// The JSON parser and value types live in their own target (`OrderBatchJSON`) so that a fuzz
// harness can link them alone. Core's API uses them throughout (`InputRecord`, the providers'
// payloads and responses), so Core re-exports the module: `import OrderBatchCore` keeps giving
// `JSONValue`, `JSONNumber` and `JSONParseError`, as before the move.
@_exported public import OrderBatchJSON
