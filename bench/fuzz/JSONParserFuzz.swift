// libFuzzer target for the strict JSON parser (OrderBatchJSON). Built and run by bench/fuzz.sh.
//
// Every input must either parse or throw JSONParseError; a trap (bounds, overflow, precondition)
// is a bug. Parsed values are also checked for the properties the rest of orderbatch relies on:
// compactText parses back to an equal value, and every number's literal re-reads as that number.
import OrderBatchJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    // Raw bytes: invalid UTF-8 reaches the parser's own validation.
    check(try? JSONValue.parse(bytes: bytes))
    // A shallow limit exercises the depth refusal on short inputs.
    _ = try? JSONValue.parse(bytes: Array(bytes), maxDepth: 3)
    // The String entry point (the text has had invalid UTF-8 repaired by then).
    let text = String(decoding: bytes, as: UTF8.self)
    check(try? JSONValue.parse(text))
    // The number scanner on its own, as validators call it on CSV cells.
    if let number = JSONNumber(literal: text) {
        checkNumber(number)
    }
    // Error descriptions are built for every refusal; build them here too.
    do {
        _ = try JSONValue.parse(bytes: bytes)
    } catch {
        _ = error.description
    }
    return 0
}

private func check(_ value: JSONValue?) {
    guard let value else { return }
    let text = value.compactText
    guard let again = try? JSONValue.parse(text) else {
        fatalError("compactText does not parse back: \(text)")
    }
    precondition(again == value, "compactText changed the value: \(text)")
    precondition(again.compactText == text, "compactText is not stable: \(text)")
    walk(value)
}

private func walk(_ value: JSONValue) {
    switch value {
    case let .number(number): checkNumber(number)
    case let .array(elements):
        for element in elements { walk(element) }
    case let .object(members):
        for member in members { walk(member.value) }
    case .null, .bool, .string: break
    }
}

private func checkNumber(_ number: JSONNumber) {
    guard let reread = JSONNumber(literal: number.literal) else {
        fatalError("literal \(number.literal) does not re-read")
    }
    precondition(reread == number, "literal \(number.literal) re-reads as \(reread)")
    precondition(JSONNumber(literal: number.text) == number, "text \(number.text) re-reads differently")
    _ = number.decimal
}
