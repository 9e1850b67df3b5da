/// A provider's typed update as stored with its row, for its client to decode before sending.
///
/// The stored form is the JSON object `JSONEncoder` writes from the type's `Encodable`
/// conformance with sorted keys; ``storedJSON`` writes the same text directly, because ingest
/// stores one per row and Foundation's encoder was 40% of a 1M-row ingest.
public protocol UpdatePayload: Codable, Sendable {
    /// The update as a compact JSON object with sorted keys; decodable with `JSONDecoder`.
    var storedJSON: String { get }
}
