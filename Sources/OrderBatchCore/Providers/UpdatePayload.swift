import Foundation

/// A provider's typed update as stored with its row, for its client to decode before sending.
///
/// The stored form is the JSON object `JSONEncoder` writes from the type's `Encodable`
/// conformance with sorted keys; ``storedJSON`` writes the same text directly, because ingest
/// stores one per row and Foundation's encoder was 40% of a 1M-row ingest. Likewise clients read
/// it back with ``init(stored:)`` over the project's own JSON parser: `JSONDecoder` was 9% of
/// a run's CPU, decoding one payload per request.
public protocol UpdatePayload: Codable, Sendable {
    /// The order the update is for.
    var orderID: String { get }
    /// The update as a compact JSON object with sorted keys; decodable with `JSONDecoder`.
    var storedJSON: String { get }
    /// The update from its parsed ``storedJSON``; the same result as `JSONDecoder`.
    ///
    /// - Throws: A message naming the member that is missing or of the wrong type.
    init(stored: StoredPayload) throws(StoredPayload.Problem)
}

extension UpdatePayload {
    /// The update stored with `item`, checked to be for the item's order.
    ///
    /// - Parameters:
    ///   - item: The row on its way to the provider, its payload the stored update.
    ///   - provider: The provider's name, for the message (`Juspay`, `Rapyd`).
    /// - Returns: The update decoded from the item's payload, for the item's order.
    /// - Throws: A permanent `CORRUPT_PAYLOAD` outcome when the payload does not decode or names
    ///   another order.
    static func decoded(from item: OutboundItem, provider: String) throws(EarlyOutcome) -> Self {
        let update: Self
        do {
            update = try Self(stored: try StoredPayload(item.payload))
        } catch {
            throw EarlyOutcome(OutcomeClassifier.corruptPayload("not a \(provider) update: \(error.message)"))
        }
        guard update.orderID == item.orderID else {
            throw EarlyOutcome(
                OutcomeClassifier.corruptPayload(
                    "the payload is for order \(update.orderID), the item for order \(item.orderID)"))
        }
        return update
    }
}
