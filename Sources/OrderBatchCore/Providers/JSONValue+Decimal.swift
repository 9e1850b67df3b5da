import Foundation

extension JSONValue {
    /// The value as an exact decimal, whether the provider sent a JSON number (`90`, `13.5`) or a
    /// numeric string (`"90.00"`); `nil` for anything else or a number `Decimal` cannot hold.
    ///
    /// A string must itself be a strict JSON number literal (`"90.00"`, not `"90,00"` or `" 90"`),
    /// so a malformed amount is never read as a nearby value. Nothing passes through `Double`.
    var decimalValue: Decimal? {
        switch self {
        case .number(let number): return number.decimal
        case .string(let text): return JSONNumber(literal: text)?.decimal
        default: return nil
        }
    }
}
