/// What a provider's rules say about one row when nothing is built from it (``RowValidator/check(_:)``):
/// the verdict of ``RowVerdict`` without the typed update.
///
/// `orderbatch validate` keeps nothing of a valid row but its place in the duplicate index;
/// building the ``ValidatedRow`` (its update boxed as `any UpdatePayload`, its duplicate key
/// lowered into a new string) cost an allocation and several reference counts per row.
public enum RowCheck: Sendable {
    /// The row passed; ``OrderFingerprint`` of what would be its ``ValidatedRow/duplicateKey``.
    case valid(duplicateKeyFingerprint: UInt64)
    /// The row's issues, exactly those of ``RowVerdict/invalid(_:)``.
    case invalid([InputIssue])
}
