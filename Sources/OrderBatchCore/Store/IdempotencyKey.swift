/// The idempotency key of one row in one attempt generation.
///
/// The key is a pure function of the run id, the row's position and the generation, and the store records it
/// when the row is ingested (generation 1) or when ``RunStore/startRetryGeneration(runID:states:)`` opens a new
/// generation, before the first send. Every attempt, retry and resume of that generation sends the same key, so a
/// crash between "sent" and "recorded" can never produce a second, different key for the same update: the
/// provider (Rapyd's `idempotency` header) sees the same key again and deduplicates it. A new generation (the
/// `retry` command) deliberately gets a new key, since it is a new decision to send.
///
/// Format: `ob-<runID>-<seq>-g<generation>`, e.g. `ob-20250101T020000-ab12-42-g1`. Run ids are short
/// (letters, digits, `-`), so keys stay well under Rapyd's limit.
public enum IdempotencyKey {
    /// The key for row `seq` of run `runID` in attempt generation `generation` (1 for the first).
    public static func make(runID: String, seq: Int64, generation: Int) -> String {
        "ob-\(runID)-\(seq)-g\(generation)"
    }
}
