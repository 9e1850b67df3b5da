import Foundation

/// A stored update payload (``UpdatePayload/storedJSON``) parsed into its members, with typed
/// accessors that say which member is wrong.
public struct StoredPayload: Sendable {
    /// Why a stored payload cannot be read back.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        /// A problem described by `message` (a provider's own payload check, outside this module too).
        public init(message: String) { self.message = message }
    }

    private let members: [(key: String, value: JSONValue)]

    /// Parses `text`, which must be a JSON object.
    public init(_ text: String) throws(Problem) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw Problem(message: "not JSON: \(error)")
        }
        guard case let .object(members) = value else { throw Problem(message: "not a JSON object") }
        self.members = members
    }

    /// The member `key`, or nil when it is absent or null.
    public func value(_ key: String) -> JSONValue? {
        guard let value = members.first(where: { $0.key == key })?.value, value != .null else { return nil }
        return value
    }

    /// The string member `key`, or nil when it is absent or null.
    public func optionalString(_ key: String) throws(Problem) -> String? {
        guard let value = value(key) else { return nil }
        guard case let .string(string) = value else {
            throw Problem(message: "\(key) is \(value.typeName), not a string")
        }
        return string
    }

    /// The string member `key`.
    public func string(_ key: String) throws(Problem) -> String {
        guard let string = try optionalString(key) else { throw Problem(message: "\(key) is missing") }
        return string
    }

    /// The decimal written as text in member `key`, or nil when it is absent or null.
    ///
    /// Ingest writes a plain non-negative decimal (`Decimal.plainText`), so it is read back with the strict
    /// byte-level parser of input files: no sign, no exponent, nothing after the digits (`Decimal(string:)`
    /// would read `1e` as 1, and costs several times as much).
    public func optionalDecimal(_ key: String) throws(Problem) -> Decimal? {
        guard let text = try optionalString(key) else { return nil }
        guard case let .success(decimal) = DecimalText.parse(text, maxFractionDigits: 18) else {
            throw Problem(message: "\(key) is not a decimal: \(text)")
        }
        return decimal
    }

    /// The decimal written as text in member `key`.
    public func decimal(_ key: String) throws(Problem) -> Decimal {
        guard let decimal = try optionalDecimal(key) else { throw Problem(message: "\(key) is missing") }
        return decimal
    }

    /// The array member `key`, or an empty array when it is absent.
    public func array(_ key: String) throws(Problem) -> [JSONValue] {
        guard let value = value(key) else { return [] }
        guard case let .array(elements) = value else {
            throw Problem(message: "\(key) is \(value.typeName), not an array")
        }
        return elements
    }
}
