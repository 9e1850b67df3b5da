/// A validator behind a class reference, for the per-record closure of ``FileValidation/run``.
///
/// The closure captures the current validator as a variable; called through that variable, the
/// `any RowValidator` was copied and destroyed for every record (a value-witness copy of the
/// validator and its column plan, about 8% of a 1M-row validation). ``holding(_:)`` opens the
/// existential once per header and keeps the concrete validator in a ``TypedValidatorHolder``,
/// so a record costs one class method call.
class ValidatorHolder {
    /// `validator` behind a holder of its concrete type.
    static func holding(_ validator: any RowValidator) -> ValidatorHolder { typed(validator) }

    private static func typed<V: RowValidator>(_ validator: V) -> ValidatorHolder {
        TypedValidatorHolder(validator)
    }

    /// ``RowValidator/validate(_:)`` of the held validator.
    func validate(_ record: InputRecord) -> RowVerdict { fatalError("overridden") }
    /// ``RowValidator/check(_:)`` of the held validator.
    func check(_ record: InputRecord) -> RowCheck { fatalError("overridden") }
    /// ``RowValidator/check(lent:)`` of the held validator.
    func check(lent fields: UnsafeBufferPointer<UnsafeRawBufferPointer>) -> UInt64? { fatalError("overridden") }
}

/// A ``ValidatorHolder`` holding a validator of type `V`.
final class TypedValidatorHolder<V: RowValidator>: ValidatorHolder {
    let validator: V
    init(_ validator: V) { self.validator = validator }
    override func validate(_ record: InputRecord) -> RowVerdict { validator.validate(record) }
    override func check(_ record: InputRecord) -> RowCheck { validator.check(record) }
    override func check(lent fields: UnsafeBufferPointer<UnsafeRawBufferPointer>) -> UInt64? {
        validator.check(lent: fields)
    }
}
