/// A JSON value that keeps what Foundation's parser loses: the exact decimal text
/// of numbers and the order of object keys.
///
/// Numbers are kept as their literal text, normalised (see ``JSONNumber``), so money and
/// percentages never pass through `Double`, and `1e400` is representable (and refusable
/// by a validator) rather than silently becoming `inf`.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    /// Object members in input order. Duplicate keys are refused by the parser.
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            // Key order is not significant: two objects are equal when they have the same members.
            guard a.count == b.count else { return false }
            var index: [String: JSONValue] = [:]
            for member in b { index[member.key] = member.value }
            return a.allSatisfy { index[$0.key] == $0.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(b):
            hasher.combine(1)
            hasher.combine(b)
        case let .number(n):
            hasher.combine(2)
            hasher.combine(n)
        case let .string(s):
            hasher.combine(3)
            hasher.combine(s)
        case let .array(a):
            hasher.combine(4)
            hasher.combine(a)
        case let .object(members):
            hasher.combine(5)
            // Order-insensitive, to agree with ==.
            var acc = 0
            for m in members { acc ^= m.key.hashValue &+ m.value.hashValue &* 31 }
            hasher.combine(acc)
        }
    }

    /// The member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The string, when this is a string and not empty (providers send `""` for "none").
    public var nonEmptyString: String? {
        guard case let .string(s) = self, !s.isEmpty else { return nil }
        return s
    }

    /// `an object`, `a number`… for messages.
    package var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
